"""Write a profile in other tools' formats: tables (CSV, JSON, Parquet), folded stacks
(flamegraph.pl, speedscope, ...), speedscope's own JSON and pprof's profile.proto (go tool pprof,
Pyroscope, Grafana).  See docs/perfkit-api.md."""
