#!/usr/bin/env bash
# README's second command: every test of the project, on a machine with only JDK 17 and Maven.
#
# Some tests need more than Java: the trainer's need a python3 with PyTorch, torchvision and onnx; the analysts' web
# page is tested in Chromium; docker-compose.yml is checked by Debian's docker-compose. Where they are missing and
# this machine can install Debian's packages (root, apt-get), they are installed in the background, at a lower CPU
# and I/O priority, while Maven builds the modules before those tests (they come minutes later, and wait for the
# install). Where they cannot be installed, those tests are skipped with their reason. The end says which tests ran,
# which were skipped and why. CI (.ci/run) runs exactly this.
#
# Arguments go to Maven (e.g. ./test.sh -pl events); BLOODCELLS_NO_INSTALL=1 never installs anything.
set -uo pipefail
cd "$(dirname "$0")"

work="$PWD/target/test-run"
status="$work/install.status"
log="$work/install.log"
units="$work/python-unit-tests"
mkdir -p "$work"
rm -f "$status" "$units.status" "$units.log" "$units.pid"

packages=(python3-torch python3-torchvision python3-onnx python3-numpy python3-pil python3-matplotlib
  chromium chromium-driver fonts-dejavu-core docker-compose)

have_python() { /usr/bin/python3 -c 'import torch, torchvision, onnx, PIL, numpy' >/dev/null 2>&1; }
have_everything() {
  have_python && [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/docker-compose ]
}
can_install() {
  [ "${BLOODCELLS_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}
background() {
  if command -v ionice >/dev/null 2>&1; then
    nice -n 10 ionice -c2 -n7 "$@"
  else
    nice -n 10 "$@"
  fi
}
# The trainer's Python unit tests need nothing but PyTorch: they run beside the Maven build, and PythonTrainerTest
# reads their outcome (TRAINER_PYTHON_UNIT_TESTS) instead of running them a second time.
run_units() {
  local rc=0
  (cd trainer/python && exec nice -n 10 timeout 900 /usr/bin/python3 -m unittest discover -s tests -t .) \
    > "$units.log" 2>&1 &
  echo $! > "$units.pid"
  wait $! || rc=$?
  echo "$rc" > "$units.status"
}

install_note=""
install_pid=""
if have_everything; then
  install_note="Debian's PyTorch, chromium and docker-compose were already installed"
  echo 0 > "$status"
  run_units &
elif can_install; then
  install_note="installed Debian's ${packages[*]} (log: $log)"
  echo "installing Debian's PyTorch, chromium and docker-compose in the background for the tests that need them ($log)"
  (
    rc=0
    {
      background timeout 240 apt-get update -qq &&
      { background dpkg --configure -a || true; } &&
      background env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends \
        "${packages[@]}"
    } > "$log" 2>&1 || rc=$?
    echo "$rc" > "$status"
    if [ "$rc" = 0 ]; then
      run_units
    fi
  ) &
  install_pid=$!
else
  install_note="nothing installed (not root, no apt-get, or BLOODCELLS_NO_INSTALL=1): tests needing what is missing skip"
  echo "not installing Debian's PyTorch, chromium or docker-compose here: $install_note"
fi

if [ -s "$status" ] || can_install; then
  # The tests that need the packages wait for the install's status file (BLOODCELLS_INSTALL_STATUS) and skip, with
  # its log's name, when it failed.
  export BLOODCELLS_INSTALL_STATUS="$status" BLOODCELLS_INSTALL_LOG="$log"
  export TRAINER_PYTHON_UNIT_TESTS="$units"
  export BLOODCELLS_CHROMIUM=/usr/bin/chromium BLOODCELLS_CHROMEDRIVER=/usr/bin/chromedriver
  # A python3 that first waits for the install, so that the trainer service, started before it ends, finds PyTorch.
  cat > "$work/python3" <<EOF
#!/usr/bin/env bash
for _ in \$(seq 900); do [ -s "$status" ] && break; sleep 1; done
[ "\$(cat "$status" 2>/dev/null)" = 0 ] || { echo "installing Debian's python3-torch failed: $log" >&2; exit 1; }
exec /usr/bin/python3 "\$@"
EOF
  chmod +x "$work/python3"
  export TRAINER_PYTHON="$work/python3"
fi

# Interrupted: the Python unit tests stop with it (an install under way is left to finish: a dpkg killed half-way
# breaks the next one).
stop_units() { [ -s "$units.pid" ] && kill "$(cat "$units.pid")" 2>/dev/null; }
trap 'stop_units; exit 130' INT TERM

began=$(date +%s)
mvn -B verify "$@"
rc=$?
# Whatever of the Python unit tests Maven did not wait for is not needed any more; an install is waited for.
if [ -n "$install_pid" ]; then
  while [ ! -s "$status" ] && kill -0 "$install_pid" 2>/dev/null; do sleep 1; done
fi
stop_units
wait

echo
echo "== $(( $(date +%s) - began )) s; $install_note"
if [ -s "$status" ] && [ "$(cat "$status")" != 0 ]; then
  echo "== the install failed (exit $(cat "$status")); the tests that need it were skipped. Its log's end:"
  tail -n 20 "$log" 2>/dev/null
fi
java test-support/src/main/java/org/bloodcells/testsupport/TestReportSummary.java . "$began" || true
if [ "$rc" != 0 ]; then
  echo "== Maven failed (exit $rc): the modules after the one that failed were not tested (see above)"
fi
exit $rc
