#!/bin/sh
# sfrewind nightly: pull new history, then snapshot the watched fields. Quiet unless something
# needs a human. Exit codes: 0 ok, 1 failed, 2 bad configuration, 3 alert or drift,
# 75 another run still holds the lock (cron/systemd simply try again next time).
set -u
SFREWIND=${SFREWIND:-sfrewind}
CONFIG=${SFREWIND_CONFIG:-/etc/sfrewind/sfrewind.conf}
ALERTS=${SFREWIND_ALERTS:---alert new-field --alert rate=200}

# shellcheck disable=SC2086  # ALERTS is a list of options
"$SFREWIND" --config "$CONFIG" -q sync $ALERTS
sync_rc=$?
case $sync_rc in
  0|3) ;;              # 3: alerts were printed on stderr; still take the snapshot
  *) exit "$sync_rc" ;;
esac
"$SFREWIND" --config "$CONFIG" -q snapshot
snap_rc=$?
if [ "$snap_rc" -ne 0 ]; then exit "$snap_rc"; fi
exit "$sync_rc"
