#!/usr/bin/env bash
# Offline checks of terraform/ (`make tf-check`):
#   1. terraform fmt -check -recursive
#   2. for every root and tested module: init -backend=false, validate, terraform test
#      (the AWS provider is mocked in the tests; nothing reaches AWS)
#   3. checkov, installed into .venv-checkov (needs PyPI once, then cached)
#   4. an offline plan of each environment, checked by scripts/plan_guard.py (no NAT or
#      internet gateway, private subnets, no bucket notification, ...) and priced by
#      scripts/cost.py
#
# Providers come from a filesystem mirror when one is found: TF_PLUGIN_MIRROR, or the
# parent of a registry.terraform.io folder near the top of the filesystem. Without a
# mirror, terraform installs providers from its registry as usual.
# Environment: TF_PLUGIN_MIRROR=DIR, TF_CHECK_JOBS=N (directories tested at once, default 2),
# TF_CHECK_SKIP_CHECKOV=1, TF_CHECK_SKIP_COST=1 (skips the offline plans: guard and cost).
set -euo pipefail

TF_ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPO=$(cd "$TF_ROOT/.." && pwd)
cd "$TF_ROOT"

section() { printf '\n==> %s  [%ds]\n' "$*" "$SECONDS"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

command -v terraform >/dev/null 2>&1 || fail "terraform is not installed (Terraform ~> 1.11 is needed)"

export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

# Two runs in the same checkout would init the same .terraform folders at once: queue them.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/tf-check-$(printf '%s' "$REPO" | sha256sum | cut -c1-12).lock"
  flock -n 9 || { echo "another tf-check runs in $REPO: waiting for it"; flock 9; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tf-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

################################################################################
section "provider installation"
################################################################################

find_mirror() {
  if [ -n "${TF_PLUGIN_MIRROR:-}" ]; then
    [ -d "$TF_PLUGIN_MIRROR/registry.terraform.io" ] || fail "TF_PLUGIN_MIRROR=$TF_PLUGIN_MIRROR holds no registry.terraform.io folder"
    echo "$TF_PLUGIN_MIRROR"; return
  fi
  local d
  while IFS= read -r d; do
    case "$d" in */.terraform/*) continue ;; esac
    if [ -d "$d/hashicorp/aws" ]; then dirname "$d"; return; fi
  done < <(find / -maxdepth 4 \( -path /proc -o -path /sys -o -path /dev -o -path "$REPO" \) -prune -o \
             -type d -name registry.terraform.io -print 2>/dev/null | sort)
}

mirror=$(find_mirror || true)
cli_config="$work/terraformrc"
if [ -n "$mirror" ]; then
  # Only the providers the mirror holds come from it; anything else from the registry.
  providers=$(cd "$mirror" && find registry.terraform.io -mindepth 2 -maxdepth 2 -type d | sort | sed 's/.*/"&"/' | paste -sd, -)
  cat >"$cli_config" <<HCL
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = [$providers]
  }
  direct {
    exclude = [$providers]
  }
}
HCL
  echo "filesystem mirror: $mirror ($providers)"
  export TF_CLI_CONFIG_FILE="$cli_config"
else
  echo "no provider mirror found: installing from the registry"
  if [ -z "${TF_CLI_CONFIG_FILE:-}" ] || [ ! -f "${TF_CLI_CONFIG_FILE}" ]; then
    : >"$cli_config"
    export TF_CLI_CONFIG_FILE="$cli_config"
  fi
fi
terraform version -no-color | sed -n 1p

################################################################################
section "terraform fmt -check -recursive"
################################################################################

terraform fmt -check -recursive -diff -no-color . || fail "terraform fmt: run 'terraform fmt -recursive terraform'"
echo "formatted"

################################################################################
# Roots keep their committed lock files untouched (-lockfile=readonly); modules are
# initialised only to run their tests (their lock files are git-ignored). Directories
# run TF_CHECK_JOBS at a time (default 2), slowest first; logs are printed in order.
roots=(bootstrap envs/staging envs/production)
modules=()
for d in modules/*/; do
  d=${d%/}
  [ -d "$d/tests" ] && modules+=("$d")
done
dirs=()
for d in modules/platform envs/production envs/staging "${modules[@]}" "${roots[@]}"; do
  case " ${dirs[*]:-} " in *" $d "*) ;; *) [ -d "$d" ] && dirs+=("$d") ;; esac
done

check_dir() { # DIR: init, validate, test; exit status in $work/<n>.rc
  local dir=$1 lockflag=()
  case "$dir" in modules/*) ;; *) lockflag=(-lockfile=readonly) ;; esac
  cd "$TF_ROOT/$dir" || return 1
  terraform init -backend=false -input=false -no-color "${lockflag[@]}" || return 1
  if grep -qs configuration_aliases versions.tf; then
    # A module that needs aliased providers validates only with a caller passing them;
    # terraform test (which passes the mocked ones) validates it below.
    echo "validate: through terraform test (the module needs aliased providers)"
  else
    terraform validate -no-color || return 1
  fi
  terraform test -no-color || return 1
}

section "init, validate, test: ${dirs[*]} (${TF_CHECK_JOBS:-2} at a time)"
for i in "${!dirs[@]}"; do
  (
    rc=0
    check_dir "${dirs[$i]}" >"$work/$i.log" 2>&1 || rc=$?
    echo "$rc" >"$work/$i.rc"
  ) &
  while [ "$(jobs -rp | wc -l)" -ge "${TF_CHECK_JOBS:-2}" ]; do sleep 1; done
done
wait
failed=()
for i in "${!dirs[@]}"; do
  section "${dirs[$i]}: init, validate, test"
  # init's chatter only matters when it failed.
  if [ "$(cat "$work/$i.rc")" = 0 ]; then
    sed -e '/^Initializing/,/^Terraform has been successfully initialized/d' "$work/$i.log"
  else
    cat "$work/$i.log"
    failed+=("${dirs[$i]}")
  fi
done
[ ${#failed[@]} -eq 0 ] || fail "terraform validate/test in: ${failed[*]}"

################################################################################
section "checkov"
################################################################################

if [ "${TF_CHECK_SKIP_CHECKOV:-0}" = 1 ]; then
  echo "skipped (TF_CHECK_SKIP_CHECKOV=1)"
else
  venv="$REPO/.venv-checkov"
  reqs="$TF_ROOT/scripts/requirements-checkov.txt"
  stamp="$venv/.installed"
  want=$(sha256sum "$reqs" | cut -c1-16)
  if [ ! -x "$venv/bin/checkov" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    py=""
    for cand in python3.13 python3.12 python3.11 python3.10 python3; do
      if p=$(command -v "$cand" 2>/dev/null) && "$p" -c 'import sys, venv; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
        py=$p; break
      fi
    done
    [ -n "$py" ] || fail "checkov needs Python >= 3.10"
    echo "installing checkov into .venv-checkov with $py"
    [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
    pip_quiet() { grep -v -e '^WARNING: Location' -e '^$' || true; }
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$reqs" 2>&1 | pip_quiet
    [ -x "$venv/bin/checkov" ] || fail "checkov did not install"
    echo "$want" >"$stamp"
  fi
  "$venv/bin/checkov" -d "$TF_ROOT" --skip-download --quiet --compact --framework terraform \
    || fail "checkov found failed checks (fix them, or skip in code: #checkov:skip=CKV_...:reason)"
  "$venv/bin/checkov" -d "$TF_ROOT" --skip-download --compact --framework terraform -o json 2>/dev/null |
    "$venv/bin/python" -c 'import json,sys; d=json.load(sys.stdin); d=d if isinstance(d,list) else [d]; s=[x["summary"] for x in d]; print("checkov: passed %d, failed %d, skipped %d" % tuple(sum(x[k] for x in s) for k in ("passed","failed","skipped")))'
fi

################################################################################
section "offline plans: plan guard and cost estimate"
################################################################################

if [ "${TF_CHECK_SKIP_COST:-0}" = 1 ]; then
  echo "skipped (TF_CHECK_SKIP_COST=1)"
else
  # A copy of terraform/ (and the shared table definition) where an override file swaps
  # the S3 backend for a local one and gives the provider fake credentials with every
  # network check off; the plan of a configuration without data sources that call AWS
  # needs no network then.
  mkdir -p "$work/tree/imageplatform"
  cp "$REPO/imageplatform/dynamodb.json" "$work/tree/imageplatform/"
  tar -C "$REPO" --exclude='.terraform' --exclude='*.tfstate*' -cf - terraform | tar -C "$work/tree" -xf -
  for env in staging production; do
    envdir="$work/tree/terraform/envs/$env"
    cat >"$envdir/offline_override.tf" <<'HCL'
terraform {
  backend "local" {}
}

provider "aws" {
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

provider "aws" {
  alias                       = "us_east_1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
HCL
    (
      cd "$envdir" || exit 1
      terraform init -input=false -no-color -lockfile=readonly >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
      terraform plan -refresh=false -lock=false -input=false -no-color -out="$work/$env.tfplan" >"$work/plan.log" 2>&1 ||
        { cat "$work/plan.log"; exit 1; }
      terraform show -json "$work/$env.tfplan" >"$work/$env.plan.json" || exit 1
    ) || fail "offline plan of envs/$env"
    echo
    python3 "$TF_ROOT/scripts/plan_guard.py" "$env" "$work/$env.plan.json" || fail "plan guard of $env"
    python3 "$TF_ROOT/scripts/cost.py" "$env" "$work/$env.plan.json" || fail "cost estimate of $env"
  done
fi

section "terraform checks passed"
