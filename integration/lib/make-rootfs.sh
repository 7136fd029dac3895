#!/usr/bin/env bash
# make-rootfs.sh DIR [EXTRA_BINARY...]: a small root filesystem from Debian's
# busybox-static (no registry needed): busybox and its applet links, /etc
# with root and a uid-1000 user, and any extra static binaries in /bin.
set -euo pipefail
dir=$1
shift
busybox=/bin/busybox  # from busybox-static: no shared libraries needed in the rootfs
[ -x "$busybox" ] || { echo "make-rootfs: $busybox is missing (apt install busybox-static)" >&2; exit 1; }
mkdir -p "$dir"/{bin,dev,etc,home/user,proc,root,run,sys,tmp,var}
chmod 0755 "$dir"
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
for applet in $("$dir/bin/busybox" --list); do
  [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
cat >"$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
PASSWD
cat >"$dir/etc/group" <<'GROUP'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
GROUP
chown 1000:1000 "$dir/home/user"
for bin in "$@"; do cp "$bin" "$dir/bin/"; done
