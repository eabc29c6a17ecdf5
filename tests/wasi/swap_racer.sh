#!/bin/sh
# swap_racer.sh DIR: races the guest of race.c. Until DIR/done exists (or 60 s pass), keeps
# replacing the symbolic link DIR/swap, atomically by rename(2), with a link to target_dir (inside
# the sandbox) and with one to ../outside (outside it).
cd "$1" || exit 1
end=$(( $(date +%s) + 60 ))
while [ ! -e done ] && [ "$(date +%s)" -lt "$end" ]; do
  ln -sfn target_dir in_link && mv -T in_link swap
  ln -sfn ../outside out_link && mv -T out_link swap
done
rm -f in_link out_link
