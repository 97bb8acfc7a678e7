#!/usr/bin/env bash
# Runs the tour in README.md exactly as written: every code block fenced as "```sh tour", in order, as one bash
# script, in a fresh temporary folder (so ./data there is new). ./gatehouse there is a link to this checkout's
# launcher. The tour starts a server on port 8080, which must be free.
# Prints the tour's output; exits non-zero when any command fails (set -euo pipefail) or the server is left running.
# Needs: curl, oathtool, zbarimg. Used by ReadmeTourIT (mvn verify) and usable by hand.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in curl oathtool zbarimg; do
  command -v "$tool" >/dev/null || { echo "readme-tour: needs $tool" >&2; exit 3; }
done
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
  echo "readme-tour: port 8080 is in use; the tour needs it" >&2
  exit 3
fi

# Whatever happens, the tour's background jobs (the server) end with it.
echo 'trap '"'"'kill $(jobs -p) 2>/dev/null || true'"'"' EXIT' > "$work/tour.sh"
awk '/^```sh tour$/ {inside=1; next} /^```$/ {inside=0} inside' "$root/README.md" > "$work/blocks.sh"
cat "$work/blocks.sh" >> "$work/tour.sh"
if [ ! -s "$work/blocks.sh" ]; then
  echo "readme-tour: README.md has no \`\`\`sh tour blocks" >&2
  exit 1
fi
ln -s "$root/gatehouse" "$work/gatehouse"
cd "$work"
# Job control, so that the tour's "kill %1" names the server it started in the background.
bash -euo pipefail -m "$work/tour.sh"
