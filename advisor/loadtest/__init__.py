"""Load tests: drive a workload against a real broker and judge it (runner, drivers, verdicts).

    from advisor.loadtest import runner
    result = runner.loadtest(target, workload, duration_s=10)   # or run_loadtest(...) events

`broker-advisor loadtest`, `broker-advisor bakeoff` and `--export-omb` are in
`advisor.loadtest.cli`; the OpenMessaging Benchmark export in `advisor.loadtest.omb`.
"""
