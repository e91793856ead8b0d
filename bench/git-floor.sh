#!/bin/sh
# The floor for a first sync: the git commands git-sync runs for a one-time sync of REF from REPO
# into ROOT, run back to back by a shell, with the same private git config. Anything git-sync
# spends above this is its own overhead.
# Usage: bench/git-floor.sh REPO ROOT [REF] [DEPTH]
set -eu
repo=$1 root=$2 ref=${3:-HEAD} depth=${4:-1}
cfg=$(mktemp)
printf '[gc]\n\tautoDetach = false\n\tpruneExpire = now\n[core]\n\taskPass = true\n[safe]\n\tdirectory = *\n' > "$cfg"
export GIT_CONFIG_GLOBAL="$cfg" GIT_CONFIG_NOSYSTEM=true
mkdir -p "$root"
cd "$root"
git version > /dev/null
git init -q -b git-sync
git remote add origin "$repo"
git fetch "$repo" "$ref" --verbose --no-progress --prune --no-auto-gc --depth "$depth" 2> /dev/null
hash=$(git rev-parse 'FETCH_HEAD^{}')
git reset -q --soft "$hash" --
git worktree prune
mkdir -p .worktrees
git worktree add -q --force --detach ".worktrees/$hash" "$hash" --no-checkout
printf 'gitdir: ../../.git/worktrees/%s\n' "$hash" > ".worktrees/$hash/.git"
(cd ".worktrees/$hash" && git reset -q --hard "$hash" -- && git submodule update --init --recursive --depth "$depth")
ln -s ".worktrees/$hash" tmp-link
mv -T tmp-link link
rm -f "$cfg"
