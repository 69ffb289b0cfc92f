#!/usr/bin/env bash
# georune eval: per-query AP equals AP recomputed from `georune query --all` rankings (1e-6),
# with gold from `georune query --crisp --all` on the ground-truth labels; JSON/Markdown/SVG.
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "$0")/../.." && pwd)"
command -v python3 >/dev/null || { echo "skip: python3 missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$bin" generate --images 300 --seed 8 --no-gsd-fraction 0 --out labels --quiet
head -20 "$here/bench/queries/rune-bench.jsonl" > q.jsonl
for n in 0 2; do
  "$bin" simulate --labels labels --noise $n --seed 3 --out det$n --quiet
  "$bin" ingest --archive a$n --dota-task1 det$n >/dev/null 2>&1
done
"$bin" ingest --archive gold --dota-labels labels >/dev/null 2>&1
"$bin" eval --archive a0 --archive a2 --queries q.jsonl --gold-labels labels --format json \
  --plot plot.svg > report.json
"$bin" eval --archive a0 --queries q.jsonl --gold-labels labels --format markdown > report.md
grep -q '^| L1 ' report.md
grep -q 'xmlns="http://www.w3.org/2000/svg"' plot.svg
python3 - "$bin" report.json q.jsonl <<'PY'
import json, subprocess, sys
bin_, report, queries = sys.argv[1:4]
rep = json.load(open(report))
qs = {json.loads(l)['id']: json.loads(l) for l in open(queries) if l.strip()}
s = rep['summary']
assert 'rriu' in s and s['rriu'] is not None, s
assert set(s['map_by_noise']) == {'0', '1'}
import xml.dom.minidom; xml.dom.minidom.parse('plot.svg')
def run(args):
    return json.loads(subprocess.run([bin_, 'query'] + args + ['--all', '--format', 'json'],
                                     capture_output=True, text=True, check=True).stdout)
checked = 0
for run_ in rep['runs']:
    for q in run_['per_query']:
        if 'error' in q or q['empty_gold']: continue
        logic = qs[q['id']]['logic']
        ranking = [r['image'] for r in run(['--archive', run_['archive'], '--logic', logic])['results'] if r['score'] > 0]
        R = {r['image'] for r in run(['--archive', 'gold', '--logic', logic, '--crisp'])['results'] if r['score'] >= 0.5}
        assert len(R) == q['relevant'], (q['id'], len(R), q['relevant'])
        hits, acc = 0, 0.0
        for i, im in enumerate(ranking, 1):
            if im in R:
                hits += 1
                acc += hits / i
        ap = acc / len(R)
        assert abs(ap - q['ap']) <= 1e-6, (run_['archive'], q['id'], ap, q['ap'])
        checked += 1
assert checked >= 20, checked
print('ok', checked, 'AP values match')
PY
