#!/usr/bin/env bash
# The arm64 -dev packages that cannot be installed beside their amd64 twins (libpq-dev and
# libp11-dev are not Multi-Arch: same; installing them would remove the build machine's),
# unpacked into DIR for the arm64 cross build (cmake/aarch64-linux-gnu.cmake,
# MC_ARM64_OVERLAY): headers, .pc files with their prefix moved into DIR, and the unversioned
# .so links pointed at the arm64 runtime libraries that multiarch installs
# (/usr/lib/aarch64-linux-gnu). Downloaded with apt-get from the configured Debian mirror;
# nothing is installed. A DIR made before for the same package versions is kept.
# usage: arm64_overlay.sh DIR
set -eu
dir=$1
pkgs="libpq-dev libp11-dev"
want=$(for p in $pkgs; do apt-cache policy "$p:arm64" | awk '/Candidate:/ {print $2}'; done | tr '\n' ' ')
case $want in *"(none)"*|" "*|"") echo "arm64_overlay: no arm64 candidate for $pkgs (dpkg --add-architecture arm64; apt-get update)" >&2; exit 1 ;; esac
[ "$(cat "$dir/versions" 2>/dev/null)" = "$want" ] && exit 0
rm -rf "$dir" && mkdir -p "$dir/debs"
(cd "$dir/debs" && for p in $pkgs; do apt-get download -qq "$p:arm64" 2>/dev/null; done)
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir"; done
lib="$dir/usr/lib/aarch64-linux-gnu"
for so in libpq.so libp11.so; do
    target=$(readlink "$lib/$so")
    [ -e "/usr/lib/aarch64-linux-gnu/$target" ] ||
        { echo "arm64_overlay: /usr/lib/aarch64-linux-gnu/$target is missing (make arm64-deps)" >&2; exit 1; }
    ln -sfn "/usr/lib/aarch64-linux-gnu/$target" "$lib/$so"
done
sed -i "s|^prefix=/usr\$|prefix=$dir/usr|" "$lib"/pkgconfig/libpq.pc "$lib"/pkgconfig/libp11.pc
grep -q "^prefix=$dir/usr\$" "$lib/pkgconfig/libpq.pc" "$lib/pkgconfig/libp11.pc" ||
    { echo "arm64_overlay: unexpected .pc files" >&2; exit 1; }
echo "$want" >"$dir/versions"
