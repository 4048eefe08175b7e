/**
 * How the linux launcher makes a container's mounts and enters its root filesystem (Mesos's
 * `mesos-containerizer launch` with `fs::chroot::enter`, src/linux/fs.cpp), as a shell script that runs inside the
 * new mount (and pid) namespace, before the task:
 *
 *   1. bind the root filesystem onto itself (pivot_root needs a mount point; the copy backend's is a plain dir);
 *   2. make each {@link LaunchMount} in order (util-linux `mount`, still the host's);
 *   3. put /dev's usual symlinks in place, mount a tmpfs on the rootfs's /tmp and make the old-root mount point
 *      in it;
 *   4. `pivot_root . <old>`; then detach the old root (`umount -l`), so the host's files are unreachable, and
 *      unmount the scratch /tmp again (the image's own /tmp shows);
 *   5. change to the working directory (made when missing, as Mesos does), switch user, exec the task.
 *
 * After step 4 no host program can run (their paths and shared libraries are gone), so the script runs under a
 * **statically linked busybox**, whose shell executes its own applets (`umount`, `mkdir`, `nsenter`) through
 * /proc/self/exe. The user switch is busybox's `nsenter -S uid -G gid`: it sets the uid and primary gid and drops
 * supplementary groups (host setpriv's `--init-groups` is not available there). Without a root filesystem only
 * steps 2 and 5 run, under the host's sh, and setpriv switches user as usual.
 *
 * Errors go to stderr, which is the launch pipe until the task runs, so a failed mount fails the launch with
 * mount's own words.
 */
import { open } from 'node:fs/promises';
import type { LaunchMount } from '../isolators/isolator';

/**
 * Arguments: mount-program rootfs workdir uid gid n {source target type options flags}*n task...
 * flags: r recursive bind, o read-only, f file mount point, q optional.
 */
export const ENTER_SCRIPT = [
  'fail() { echo "$*" >&2; exit 125; }',
  'mnt=$1; root=$2; wd=$3; uid=$4; gid=$5; n=$6; shift 6',
  'if [ -n "$root" ]; then $mnt --bind "$root" "$root" || fail "cannot bind the root filesystem $root"; fi',
  'while [ "$n" -gt 0 ]; do',
  '  src=$1; dst=$2; type=$3; opts=$4; flags=$5; shift 5; n=$((n-1))',
  '  case $flags in *q*) if [ -z "$type" ]; then [ -e "$src" ] || continue; else [ -e "$dst" ] || continue; fi;; esac',
  '  if [ ! -e "$dst" ]; then',
  '    case $flags in *f*) mkdir -p "${dst%/*}" && : >"$dst";; *) mkdir -p "$dst";; esac || fail "cannot create the mount point $dst"',
  '  fi',
  '  if [ -z "$type" ]; then',
  '    case $flags in *r*) b=--rbind;; *) b=--bind;; esac',
  '    $mnt $b "$src" "$dst" || fail "cannot bind-mount $src at $dst"',
  '    case $flags in *o*) $mnt -o remount,bind,ro "$dst" || fail "cannot make $dst read-only";; esac',
  '  else',
  '    $mnt -t "$type" -o "${opts:-defaults}" "$src" "$dst" || fail "cannot mount $type at $dst"',
  '  fi',
  'done',
  'if [ -n "$root" ]; then',
  '  if [ -d "$root/dev" ]; then',
  '    for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2 ptmx:pts/ptmx; do',
  '      [ -e "$root/dev/${l%%:*}" ] || [ -L "$root/dev/${l%%:*}" ] || ln -s "${l#*:}" "$root/dev/${l%%:*}" || fail "cannot link /dev/${l%%:*}"',
  '    done',
  '  fi',
  '  [ -d "$root/tmp" ] || { mkdir -p "$root/tmp" && chmod 1777 "$root/tmp"; } || fail "cannot create $root/tmp"',
  '  $mnt -t tmpfs -o mode=700 tmpfs "$root/tmp" || fail "cannot mount a scratch tmpfs at $root/tmp"',
  '  old=$(mktemp -d "$root/tmp/.old_root.XXXXXX") || fail "cannot create the old root mount point"',
  '  old=${old#"$root"/}',
  '  cd "$root" || fail "cannot enter $root"',
  '  pivot_root . "./$old" || fail "pivot_root into $root failed"',
  '  cd / || fail "cannot enter the new root"',
  '  umount -l "/$old" || fail "cannot detach the host root filesystem"',
  '  rmdir "/$old"',
  '  umount /tmp || umount -l /tmp || fail "cannot unmount the scratch /tmp"',
  '  [ -d "$wd" ] || mkdir -p "$wd" || fail "cannot create the working directory $wd"',
  '  cd "$wd" || fail "cannot enter the working directory $wd"',
  'fi',
  'echo inside >&2; exec 2>&4 4>&-',
  'if [ -n "$uid" ]; then exec nsenter -F -S "$uid" -G "$gid" -- "$@"; fi',
  'exec "$@"',
].join('\n');

/** The script's arguments for `mounts`: the count, then five fields each. */
export function mountArgs(mounts: readonly LaunchMount[]): string[] {
  const args = [String(mounts.length)];
  for (const m of mounts) {
    const flags = `${m.recursive === true ? 'r' : ''}${m.readOnly === true ? 'o' : ''}${m.file === true ? 'f' : ''}${m.optional === true ? 'q' : ''}`;
    args.push(m.source, m.target, m.type ?? '', m.options ?? '', flags || '-');
  }
  return args;
}

const PT_INTERP = 3;

/**
 * Checks that `path` is an executable, statically linked ELF file (no program interpreter), as the steps after
 * pivot_root need. Returns the reason when it is not.
 */
export async function checkStaticHelper(path: string): Promise<string | undefined> {
  const hint = `filesystem/linux needs a statically linked busybox at '${path}' to enter a root filesystem (Debian: busybox-static; or set the launcher's tools.busybox)`;
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    return `${hint}: ${(error as Error).message}`;
  }
  try {
    const mode = (await file.stat()).mode;
    if ((mode & 0o111) === 0) return `${hint}: it is not executable`;
    const header = Buffer.alloc(64);
    await file.read(header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46) return `${hint}: it is not an ELF executable`;
    // Only 64-bit little-endian ELF is parsed; others are taken on trust.
    if (header[4] !== 2 || header[5] !== 1) return undefined;
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    await file.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      if (table.readUInt32LE(i * phentsize) === PT_INTERP) return `${hint}: it is dynamically linked`;
    }
    return undefined;
  } finally {
    await file.close();
  }
}
