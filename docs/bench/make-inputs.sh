#!/usr/bin/env bash
# Inputs for limit-vs-door.sh and rss-under-load.sh in DIR: keys.txt (4096 keys: half listed EFF
# domains, half unlisted names, one unlisted in ten in Postfix's parent form ".name"), a copy of the
# embedded EFF list dated now (so enforce answers happen, as with a live list) signed with a
# throwaway key, and policyd.yaml serving it on ports that clash with nothing (socketmap 25461,
# policy 25462, admin 25464, metrics 29464), the list alone: MTA-STS off (on, every unlisted name
# would be a first contact; make-sts-cache.sh writes the MTA-STS configuration). Usage: make-inputs.sh DIR
set -euo pipefail
dir=$(readlink -f "$1"); mkdir -p "$dir/state"
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
python3 - "$repo/policy-core/src/main/resources/org/starttls/policyd/core/embedded/policy.json" "$dir" <<'PY'
import datetime, json, random, sys
source, out = sys.argv[1], sys.argv[2]
lst = json.load(open(source))
now = datetime.datetime.now(datetime.timezone.utc)
lst['timestamp'] = now.isoformat()
lst['expires'] = (now + datetime.timedelta(days=300)).isoformat()
json.dump(lst, open(out + '/policy.json', 'w'), indent=2)
listed, rnd, keys = list(lst['policies']), random.Random(11), []
for _ in range(4096):
    if rnd.randrange(100) < 50:
        keys.append(rnd.choice(listed))
    else:
        key = 'mail%d-%s.example' % (rnd.randrange(100000), rnd.choice(['shop', 'corp', 'net']))
        keys.append('.' + key if rnd.randrange(10) == 0 else key)
open(out + '/keys.txt', 'w').write('\n'.join(keys) + '\n')
PY
export GNUPGHOME="$dir/gnupg"; mkdir -p -m 700 "$GNUPGHOME"
gpg --batch --passphrase '' --quick-gen-key "Benchmark list <bench@example.org>" rsa3072 sign 1y 2> /dev/null
gpg --armor --export bench@example.org > "$dir/signer.asc"
gpg --batch --yes --armor --detach-sign -u bench@example.org -o "$dir/policy.json.asc" "$dir/policy.json"
gpgconf --kill gpg-agent   # the agent gpg started for the throwaway key
cat > "$dir/policyd.yaml" <<YAML
list: {file: $dir/policy.json, keyring: $dir/signer.asc, state-dir: $dir/state}
socketmap: {listen: 127.0.0.1:25461}
policy-service: {listen: 127.0.0.1:25462}
admin: {listen: 127.0.0.1:25464}
metrics: {listen: 127.0.0.1:29464}
mta-sts: {enabled: false}
YAML
echo "wrote $dir/keys.txt $dir/policy.json(.asc) $dir/signer.asc $dir/policyd.yaml"
