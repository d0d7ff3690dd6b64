#!/bin/sh
# build.sh writes web/static/echarts.min.js, a minified script that sets
# the global `echarts` to ECharts with only the parts entry.js names, and
# web/static/ECHARTS-LICENSE.txt, the licences of what it bundles.
# The packages come from the npm registry at the versions and checksums
# that package-lock.json pins, into a temporary folder: the repository
# holds no node_modules. Run it from anywhere; an argument names another
# output folder.
#
#   sh tools/vendor/echarts/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$here/../../../web/static}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$work/"
cd "$work"
# No install scripts: esbuild's only checks its binary, which comes as
# the package @esbuild/<platform> from the registry all the same.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
ver() { node -p "require('./node_modules/$1/package.json').version"; }
version=$(ver echarts) zrender=$(ver zrender) tslib=$(ver tslib)
# NODE_ENV=production drops ECharts' development checks and warnings, as
# its own dist build does; ES5, the syntax of that build and of the
# sources, so that the minifier brings in no newer syntax.
npx --no-install esbuild entry.js --bundle --minify --format=iife --global-name=echarts \
  --target=es5 --define:process.env.NODE_ENV='"production"' --legal-comments=none \
  --banner:js="/*! Apache ECharts $version, custom build (tools/vendor/echarts): licences in ECHARTS-LICENSE.txt */" \
  --log-level=warning --outfile="$out/echarts.min.js"
# ECharts' own licence files as they were, then those of the two packages
# the bundle takes in besides: zrender (BSD-3-Clause) and tslib (0BSD).
e=node_modules/echarts
{
  cat $e/LICENSE
  printf '\n----- NOTICE -----\n'
  cat $e/NOTICE
  printf '\n----- licenses/LICENSE-d3 -----\n'
  cat $e/licenses/LICENSE-d3
  printf '\n----- zrender %s: LICENSE -----\n' "$zrender"
  cat node_modules/zrender/LICENSE
  printf '\n\n----- tslib %s: LICENSE.txt -----\n' "$tslib"
  tr -d '\r' <node_modules/tslib/LICENSE.txt # CRLF there
  printf '\n'
} >"$out/ECHARTS-LICENSE.txt"
cd "$out" && sha256sum echarts.min.js ECHARTS-LICENSE.txt
