"""Write a profile in other tools' formats: tables (CSV, JSON, Parquet), folded stacks
(flamegraph.pl, speedscope, ...) and speedscope's own JSON.  See docs/perfkit-api.md."""
