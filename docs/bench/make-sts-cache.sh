#!/usr/bin/env bash
# Inputs for the cached MTA-STS benchmark, next to make-inputs.sh's in DIR: a state directory
# DIR/state-sts holding mta-sts-cache.json with an enforce policy (fetched and id-checked now,
# max_age one week) for every domain key in DIR/keys.txt (listed and unlisted alike, so every
# domain answer comes from MTA-STS; the parent forms ".name" are never asked of MTA-STS), and
# DIR/policyd-sts.yaml: make-inputs.sh's configuration with MTA-STS on, that state directory,
# dns.resolver on a loopback port where nothing listens (a query that escapes the cache fails at
# once instead of reaching the network) and a TXT re-check interval longer than the run, so the
# run measures answers from the cache alone. DANE is off: with that resolver its validation check
# gets no answer, which makes every uncached domain TEMP. Usage: make-sts-cache.sh DIR (after make-inputs.sh DIR)
set -euo pipefail
dir=$(readlink -f "$1"); mkdir -p "$dir/state-sts"
python3 - "$dir" <<'PY'
import datetime, json, sys
d = sys.argv[1]
now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
domains = sorted({k.strip() for k in open(d + '/keys.txt') if k.strip() and not k.startswith('.')})
policies = [{'domain': x, 'id': '20261202bench', 'fetched': now, 'checked': now,
             'policy': 'version: STSv1\nmode: enforce\nmx: mx1.%s\nmx: *.mail.%s\nmax_age: 604800\n' % (x, x)}
            for x in domains]
json.dump({'format': 'starttls-policyd mta-sts cache', 'version': 1, 'policies': policies},
          open(d + '/state-sts/mta-sts-cache.json', 'w'))
print('cached', len(policies), 'domains')
PY
sed -e "s#state-dir: $dir/state}#state-dir: $dir/state-sts}#" -e '/^mta-sts:/d' "$dir/policyd.yaml" > "$dir/policyd-sts.yaml"
cat >> "$dir/policyd-sts.yaml" <<YAML
dns: {resolver: "127.0.0.1:25499", timeout-ms: 2000}
mta-sts: {enabled: true, txt-recheck-seconds: 86400}
dane: {enabled: false}
YAML
echo "wrote $dir/state-sts/mta-sts-cache.json $dir/policyd-sts.yaml"
