# Shared by bin/policyd and bin/policyctl: find the built jar, building it first if it is
# missing or older than the sources (so a fresh clone works with no separate build step).
set -euo pipefail
repo_root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="$repo_root/milter-server/target/starttls-policyd.jar"

needs_build() {
    [ ! -f "$jar" ] && return 0
    [ -n "$(find "$repo_root/policy-core/src/main" "$repo_root/list-fetcher/src/main" \
        "$repo_root/milter-server/src/main" "$repo_root"/pom.xml "$repo_root"/*/pom.xml \
        -newer "$jar" -print -quit 2>/dev/null)" ]
}

if needs_build; then
    if ! command -v mvn >/dev/null 2>&1; then
        echo "starttls-policyd: $jar is missing and Maven (mvn) is not installed to build it" >&2
        exit 70
    fi
    echo "starttls-policyd: building (mvn -DskipTests package), once..." >&2
    (cd "$repo_root" && mvn -B -q -DskipTests package >&2)
fi

java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
