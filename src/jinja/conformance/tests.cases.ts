/**
 * Jinja2 3.1's builtin tests (Template Designer Documentation, "Tests" and "List of Builtin
 * Tests"): `is name`, `is name arg`, `is name(args)`, `is not name`.
 */
import { c, e, type Case } from './case.js';

export const cases: Case[] = [
  c('test defined / undefined', '{{ x is defined }} {{ missing is defined }} {{ missing is undefined }}', 'True False True', { x: 1 }),
  c('test defined: None is defined', '{{ none is defined }}', 'True'),
  c('test none', '{{ none is none }} {{ 0 is none }} {{ missing is none }}', 'True False False'),
  c('test is not', '{{ 1 is not none }} {{ none is not none }}', 'True False'),
  c('test boolean / true / false', '{{ true is boolean }} {{ 1 is boolean }} {{ true is true }} {{ 1 is true }} {{ false is false }}', 'True False True False True'),
  c('test integer: bools are not integers', '{{ 1 is integer }} {{ 1.0 is integer }} {{ true is integer }}', 'True False False'),
  c('test float', '{{ 1.5 is float }} {{ 2.0 is float }} {{ 2 is float }}', 'True True False'),
  c('test number', "{{ 1 is number }} {{ 1.5 is number }} {{ '1' is number }}", 'True True False'),
  c('test string', "{{ 'a' is string }} {{ 1 is string }}", 'True False'),
  c('test mapping', "{{ {} is mapping }} {{ [] is mapping }}", 'True False'),
  c('test sequence: strings, lists, tuples and dicts', "{{ 'a' is sequence }} {{ [] is sequence }} {{ (1,) is sequence }} {{ {} is sequence }} {{ 1 is sequence }}", 'True True True True False'),
  c('test iterable', "{{ [] is iterable }} {{ 'a' is iterable }} {{ 1 is iterable }}", 'True True False'),
  c('test callable', "{{ 'x'.upper is callable }} {{ 'x' is callable }}", 'True False'),
  c('test divisibleby with an argument in parentheses or bare', '{{ 9 is divisibleby(3) }} {{ 9 is divisibleby 4 }}', 'True False'),
  c('test even / odd', '{{ 2 is even }} {{ 3 is odd }} {{ -3 is odd }} {{ 0 is even }}', 'True True True True'),
  c('test eq / equalto', "{{ 1 is eq 1 }} {{ 'a' is equalto('a') }} {{ 2 is eq 3 }}", 'True True False'),
  c('test ne', '{{ 1 is ne 2 }} {{ 1 is ne 1 }}', 'True False'),
  c('test lt, le, gt, ge, lessthan, greaterthan', '{{ 1 is lt 2 }} {{ 2 is le 2 }} {{ 3 is gt 2 }} {{ 2 is ge 3 }} {{ 1 is lessthan 2 }} {{ 1 is greaterthan 2 }}', 'True True True False True False'),
  c('test operator-named tests (==, !=, <, <=, >, >=) are used by select and selectattr', "{{ [1, 2, 3]|select('==', 2)|list }} {{ [1, 2, 3]|select('!=', 2)|list }} {{ [1, 2, 3]|select('<', 2)|list }} {{ [1, 2, 3]|select('<=', 2)|list }} {{ [1, 2, 3]|select('>', 2)|list }} {{ [1, 2, 3]|select('>=', 2)|list }}", '[2] [1, 3] [1] [1, 2] [3] [2, 3]'),
  e('test an operator is not a test name after is', '{{ 2 is == 3 }}', 'BMP_TEMPLATE_SYNTAX', "expected a name, got '=='"),
  c('test in', "{{ 1 is in [1, 2] }} {{ 'b' is in 'abc' }} {{ 'z' is in {'z': 1} }}", 'True True True'),
  c('test sameas: identity', '{{ none is sameas none }} {{ true is sameas true }} {{ [] is sameas [] }}', 'True True False'),
  c('test sameas: the same list object', '{% set a = [] %}{% set b = a %}{{ a is sameas b }}', 'True'),
  c('test lower / upper', "{{ 'abc' is lower }} {{ 'aBc' is lower }} {{ 'ABC' is upper }}", 'True False True'),
  c('test filter / test: names of filters and tests', "{{ 'upper' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }}", 'True False True'),
  c('test escaped: plain strings are not markup', "{{ 'a' is escaped }}", 'False'),
  c('test a test in a condition', "{% if x is string and x is not none %}s{% endif %}", 's', { x: 'v' }),
  c('test a test binds tighter than not and and', '{{ not 1 is odd and 2 is even }}', 'False'),
  c('test a test in a select filter', '{{ [1, none, 2]|reject("none")|list }}', '[1, 2]'),
  c('test a test argument can be a list or a name', '{{ 2 is in xs }}', 'True', { xs: [1, 2] }),
  e('test an unknown test is an error', '{{ 1 is nope }}', 'BMP_TEMPLATE_SYNTAX', "no test named 'nope'"),
  e('test tests cannot be chained with is', '{{ 1 is odd is number }}', 'BMP_TEMPLATE_SYNTAX', 'cannot chain multiple tests'),
];
