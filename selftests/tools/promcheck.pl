#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# promcheck FILE: the checks promtool check metrics makes that matter for a
# textfile-collector file, without the prometheus package: every line a
# HELP, TYPE or sample; one HELP and one TYPE per family, before its
# samples, which are contiguous; names and labels well formed; values
# numbers; no timestamps; ipmp_ prefix; counters end in _total; histogram
# buckets cumulative with +Inf equal to _count; no sample twice.
# Prints each problem as "file:line: ..." and exits 1 if there is one.
use strict;
use warnings;

my $name = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
my $value = qr/[-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN)/;
my (%help, %type, %closed, %samples, %buckets, %counts);
my ($family, $errors) = ('', 0);

sub problem { print "$ARGV:$.: $_[0]\n"; $errors++; }

sub family_of {
	my ($n) = @_;
	for my $suffix ('_bucket', '_sum', '_count') {
		(my $base = $n) =~ s/\Q$suffix\E$//;
		return $base if $base ne $n && ($type{$base} // '') eq 'histogram';
	}
	return $n;
}

sub enter {
	my ($f) = @_;
	return if $f eq $family;
	$closed{$family} = 1 if $family ne '';
	problem("family $f continues after another began") if $closed{$f};
	$family = $f;
}

while (my $line = <>) {
	chomp $line;
	if ($line =~ /^# HELP ($name) (.*)$/) {
		problem("second HELP for $1") if $help{$1}++;
		enter($1);
	} elsif ($line =~ /^# TYPE ($name) (counter|gauge|histogram|summary|untyped)$/) {
		problem("second TYPE for $1") if exists $type{$1};
		problem("TYPE for $1 after its samples") if $samples{$1};
		$type{$1} = $2;
		enter($1);
	} elsif ($line =~ /^#/) {
		problem("a comment that is neither HELP nor TYPE: $line");
	} elsif ($line =~ /^($name)(?:\{(.*)\})? ($value)$/) {
		my ($n, $labels, $v) = ($1, $2 // '', $3);
		my $f = family_of($n);
		enter($f);
		$samples{$f}++;
		problem("$n has no TYPE") unless $type{$f};
		problem("$n has no HELP") unless $help{$f};
		problem("$n: not ipmp_") unless $n =~ /^ipmp_/;
		problem("counter $n does not end in _total") if ($type{$f} // '') eq 'counter' && $n !~ /_total$/;
		my (@pairs, $le);
		my $rest = $labels;
		while ($rest ne '') {
			if ($rest =~ s/^($name)="((?:[^"\\\n]|\\["\\n])*)"(?:,|$)//) {
				push @pairs, "$1=$2";
				$le = $2 if $1 eq 'le';
			} else {
				problem("bad labels {$labels}");
				last;
			}
		}
		my $key = join(',', sort grep { !/^le=/ } @pairs);
		problem("$n\{$labels\} appears twice") if $samples{"$n\{$labels\}"}++;
		if ($n =~ /_bucket$/ && ($type{$f} // '') eq 'histogram') {
			problem("$n without le") unless defined $le;
			my $prev = $buckets{"$f|$key"};
			problem("$n\{$labels\}: buckets not cumulative") if defined $prev && $v < $prev;
			$buckets{"$f|$key"} = $v;
			$counts{"$f|$key|inf"} = $v if defined $le && $le eq '+Inf';
		}
		$counts{"$f|$key|count"} = $v if $n =~ /_count$/ && ($type{$f} // '') eq 'histogram';
	} else {
		problem("not a sample line (a timestamp, or a stray character?): $line");
	}
} continue {
	close ARGV if eof;
}
for my $k (keys %counts) {
	next unless $k =~ /^(.*)\|inf$/;
	my $c = $counts{"$1|count"};
	if (!defined $c || $c != $counts{$k}) {
		print "histogram $1: +Inf bucket $counts{$k} != _count " . ($c // 'missing') . "\n";
		$errors++;
	}
}
exit($errors ? 1 : 0);
