#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/completion.bats: the bash and zsh completions (completion/).
# They offer every option zcp --help lists (taken from --help now, so an
# option added to zcp and not to a completion fails here) and none it
# lacks; the values of --engine, --reflink, --sparse, --update, --backup,
# --preserve, --no-preserve, --bench and --chart (every value zcp accepts, taken
# from its own "Valid arguments" message), comma lists, file and
# directory names.  bash through bash-completion's own functions, zsh by
# pressing Tab in a real zsh on a pseudo-terminal (zpty).  make install
# puts them where bash-completion's pkg-config file says.
#
# Environment: ZCP, ZCP_SRCDIR, ZCP_BUILDDIR.

load helpers

SRC=${ZCP_SRCDIR:-$BATS_TEST_DIRNAME/..}
BASH_COMP=$SRC/completion/bash/zcp
ZSH_COMP=$SRC/completion/zsh/_zcp
BC=/usr/share/bash-completion/bash_completion

# The options --help lists, one a line (as tests/man.bats reads them).
help_options()
{
	"$ZCP" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
	"$ZCP" --help | grep -E '^ +-[A-Za-z0-9]' |
	    sed -E 's/^ +//; s/ {2,}.*//; s/--.*//' |
	    grep -oE -- '-[A-Za-z0-9]' | sort -u
}

# valid_args OPTION: the values zcp accepts for OPTION, one a line, from
# the list it prints for an invalid one.
valid_args()
{
	LC_ALL=C "$ZCP" "$1=zcp-bogus" a b 2>&1 | sed -n 's/^  - //p' |
	    grep -oE "'[^']+'" | tr -d "'"
}

need_bash_completion()
{
	[[ -r $BC ]] || skip "bash-completion is not installed"
}

# complete_bash LINE: what bash offers for LINE (the cursor at its end),
# one a line.  The words are split as readline splits them (at blanks,
# and "=" apart), then bash-completion's _init_completion does the rest.
complete_bash()
{
	need_bash_completion
	bash --norc --noprofile -c '
		. "$1" && . "$2" || exit 2
		compopt() { :; }	# only inside readline
		line=$3
		set -f
		read -ra toks <<< "$line"
		COMP_WORDS=()
		for t in "${toks[@]}"; do
			while [[ $t == *=* ]]; do
				[[ -n ${t%%=*} ]] && COMP_WORDS+=("${t%%=*}")
				COMP_WORDS+=("=")
				t=${t#*=}
			done
			[[ -n $t ]] && COMP_WORDS+=("$t")
		done
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$line COMP_POINT=${#line}
		_zcp zcp "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$BC" "$BASH_COMP" "$1"
}

# complete_zsh LINE: what zsh offers when Tab is pressed after LINE, one a
# line: an interactive zsh on a pseudo-terminal, compinit with the
# completion's directory first in $fpath, and compadd wrapped to print
# the matches it is given.
complete_zsh()
{
	command -v zsh >/dev/null || skip "zsh is not installed"
	zsh -f "$BATS_FILE_TMPDIR/complete.zsh" "$(dirname "$ZSH_COMP")" "$1" |
	    sort -u
}

setup_file()
{
	cat > "$BATS_FILE_TMPDIR/complete.zsh" <<'EOF_ZSH'
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "PROMPT=; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-grouped false"
zpty -w z 'compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"; return
	fi
	local -a __h; builtin compadd -A __h "$@"
	(( $#__h )) && print -rl -- "<<""M>>"${^__h}
	builtin compadd "$@"
}'
zpty -w z 'zcp_done() { print -r -- "<<""END>>"; exit }; comppostfuncs=(zcp_done)'
zpty -w z 'bindkey "^I" complete-word'
zpty -w z "$2"$'\t'
local line
integer i
for ((i = 0; i < 600; i++)); do
	if ! zpty -r -t z line; then
		sleep 0.05
		continue
	fi
	line=${${line%$'\n'}%$'\r'}
	[[ $line == *'<<END>>'* ]] && break
	[[ $line == *'<<M>>'* ]] && print -r -- "${line#*<<M>>}"
done
zpty -d z
(( i < 600 )) || { print -u2 "zsh never completed"; exit 1 }
EOF_ZSH
}

# check_options OFFERED: every option of --help is offered (a long one
# may be offered as --name=), and nothing that --help lacks is.
check_options()
{
	local o missing= extra=
	help_options > help.txt
	[[ $(wc -l < help.txt) -ge 40 ]]
	sed 's/=$//' "$1" | sort -u > offered.txt
	while read -r o; do
		grep -qxF -- "$o" offered.txt || missing="$missing $o"
	done < help.txt
	while read -r o; do
		grep -qxF -- "$o" help.txt || extra="$extra $o"
	done < offered.txt
	[[ -z $missing ]] || { echo "not offered:$missing"; return 1; }
	[[ -z $extra ]] || { echo "offered, not in --help:$extra"; return 1; }
}

# check_values OFFERED OPTION: every value zcp accepts for OPTION is
# offered, and so is each of the other words given.
check_values()
{
	local v missing= file=$1 opt=$2
	shift 2
	for v in $(valid_args "$opt") "$@"; do
		grep -qxF -- "$v" "$file" || missing="$missing $v"
	done
	[[ -z $missing ]] || { echo "$opt: not offered:$missing"; return 1; }
}

# The option's values as the issue lists them, with those zcp prints.
VALUES_engine="auto clone copy_file_range sendfile splice rw uring"
VALUES_bench="auto clone copy_file_range sendfile splice rw cp"
VALUES_reflink="auto always never"
VALUES_sparse="auto always never"
VALUES_update="all none none-fail older"
VALUES_backup="none off numbered t existing nil simple never"
VALUES_preserve="mode ownership timestamps links context xattr all"
VALUES_chart="auto never always"

values_of()
{
	local v=VALUES_${1//-/_}
	case $1 in
	no-preserve)	echo "$VALUES_preserve" ;;
	bench)		echo "$VALUES_bench" ;;
	*)		echo "${!v}" ;;
	esac
}

OPTS_WITH_VALUES="engine reflink sparse update backup preserve no-preserve bench chart"

@test "bash: every option of zcp --help, and no other" {
	complete_bash "zcp -" > got.txt
	check_options got.txt
}

@test "bash: the values of each option that takes a word from a list" {
	local o
	for o in $OPTS_WITH_VALUES; do
		complete_bash "zcp --$o=" > got.txt
		check_values got.txt "--$o" $(values_of "$o")
	done
	complete_bash "zcp --engine=co" > got.txt
	assert_eq "$(cat got.txt)" "copy_file_range"
	complete_bash "zcp --sparse al" > got.txt
	assert_eq "$(cat got.txt)" "always" "a mandatory value as the next word"
}

@test "bash: comma lists for --preserve, --no-preserve and --bench" {
	complete_bash "zcp --preserve=mode,ti" > got.txt
	assert_eq "$(cat got.txt)" "mode,timestamps"
	complete_bash "zcp --no-preserve=xattr,links,o" > got.txt
	assert_eq "$(cat got.txt)" "xattr,links,ownership"
	complete_bash "zcp --bench=rw,s" > got.txt
	assert_eq "$(sort got.txt | tr '\n' ' ')" "rw,sendfile rw,splice "
	complete_bash "zcp --preserve=mode," > got.txt
	run ! grep -qx 'mode,mode' got.txt
	[[ $(wc -l < got.txt) -eq 6 ]]
}

@test "bash: file names, and directories after -t" {
	mkdir -p w/dir1
	touch w/file1
	cd w
	complete_bash "zcp " > ../got.txt
	assert_eq "$(sort ../got.txt | tr '\n' ' ')" "dir1 file1 " "operands"
	complete_bash "zcp -v fi" > ../got.txt
	assert_eq "$(cat ../got.txt)" "file1"
	complete_bash "zcp -t " > ../got.txt
	assert_eq "$(cat ../got.txt)" "dir1" "-t"
	complete_bash "zcp --target-directory=" > ../got.txt
	assert_eq "$(cat ../got.txt)" "dir1" "--target-directory="
}

@test "bash: bash-completion loads it by the command's name" {
	need_bash_completion
	mkdir -p user/completions
	cp "$BASH_COMP" user/completions/zcp
	run bash --norc --noprofile -c '
		BASH_COMPLETION_USER_DIR=$PWD/user
		. /usr/share/bash-completion/bash_completion
		__load_completion zcp && complete -p zcp'
	assert_status 0
	assert_eq "$output" "complete -F _zcp zcp"
}

@test "zsh: every option of zcp --help, and no other" {
	complete_zsh "zcp -" > got.txt
	check_options got.txt
}

@test "zsh: values, comma lists, directories after -t" {
	local o
	for o in $OPTS_WITH_VALUES; do
		complete_zsh "zcp --$o=" > got.txt
		check_values got.txt "--$o" $(values_of "$o")
	done
	complete_zsh "zcp --preserve=mode," > got.txt
	run ! grep -qx 'mode' got.txt
	grep -qx 'timestamps' got.txt
	mkdir -p w/dir1
	touch w/file1
	cd w
	complete_zsh "zcp -t " > ../got.txt
	assert_eq "$(cat ../got.txt)" "dir1" "-t"
	complete_zsh "zcp fi" > ../got.txt
	assert_eq "$(cat ../got.txt)" "file1"
}

# With prefix=/usr, make install puts the bash completion in the directory
# bash-completion.pc names, and the zsh one in zsh's site-functions, or
# where configure was told (debian/rules: vendor-completions, where
# Debian's zsh reads packages' completions).
@test "make install: the completions where bash-completion.pc says" {
	local dir zdir b=${ZCP_BUILDDIR:-}
	[[ -n $b && -f $b/Makefile ]] || skip "no build tree (ZCP_BUILDDIR)"
	command -v pkg-config >/dev/null || skip "pkg-config is not installed"
	dir=$(pkg-config --variable=completionsdir bash-completion) ||
	    skip "bash-completion's pkg-config file is not installed"
	[[ $dir == /usr/share/* ]] || skip "bash-completion.pc is not under /usr"
	(
		unset MAKEFLAGS MFLAGS MAKELEVEL
		make -s -C "$b" install-bashcompletionDATA \
		    install-zshcompletionDATA DESTDIR="$BATS_TEST_TMPDIR/root" \
		    prefix=/usr
	)
	cmp "$BASH_COMP" "root$dir/zcp"
	zdir=$(
		unset MAKEFLAGS MFLAGS MAKELEVEL
		make -s --no-print-directory -C "$b" prefix=/usr \
		    --eval 'zcp-zshdir: ; @echo $(zshcompletiondir)' zcp-zshdir
	)
	if ! "$b/config.status" --config | grep -q -- --with-zsh-completion-dir
	then
		assert_eq "$zdir" /usr/share/zsh/site-functions "the default"
	fi
	cmp "$ZSH_COMP" "root$zdir/_zcp"
}
