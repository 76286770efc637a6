"""The Kafka probe: wire code (`wire`, `sockets`), the check plan (`checks`) and the verdicts."""
