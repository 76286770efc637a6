"""The RabbitMQ probe: wire code (`wire`), the check plan (`checks`) and the verdicts."""
