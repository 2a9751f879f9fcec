"""The parsers of `make loadtest` (scripts/loadtest/run.py): wrk's output and locust's CSV to JSON lines."""

import importlib.util
from pathlib import Path

import pytest

RUN_PY = Path(__file__).resolve().parents[2] / "scripts" / "loadtest" / "run.py"
spec = importlib.util.spec_from_file_location("loadtest_run", RUN_PY)
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)

WRK_OUTPUT = """Running 20s test @ http://127.0.0.1:40123/
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    42.10ms   10.02ms 301.55ms   80.12%
    Req/Sec   240.11     30.05   303.00     70.00%
  Latency Distribution
     50%   40.50ms
     75%   46.00ms
     90%   55.25ms
     99%    1.20s
  9571 requests in 20.01s, 150.23MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    478.32
Transfer/sec:      7.51MB
"""

LUA_LINE = (
    'LOADTEST_JSON {"requests": 9571, "duration_us": 20010000, "p50_us": 40512, "p95_us": 70250, '
    '"p99_us": 1200400, "status_errors": 4, "socket_errors": 3}\n'
)

LOCUST_CSV = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
    "99.99%,100%\n"
    "GET,anonymous home,1200,0,6,7.5,2,80,30000,20.0,0.0,6,7,8,9,11,14,20,31,70,80,80\n"
    "POST,secretariat action item save,90,2,45,50.1,20,400,0,1.5,0.03,45,50,55,60,80,120,200,300,400,400,400\n"
    ",Aggregated,1290,2,7,10.2,2,400,28000,21.5,0.03,7,8,9,10,14,25,60,110,390,400,400\n"
)


def test_wrk_text_summary():
    figures = run.parse_wrk(WRK_OUTPUT)
    assert figures["rps"] == 478.32
    assert figures["requests"] == 9571
    assert figures["p50_ms"] == 40.5
    assert figures["p99_ms"] == 1200.0  # seconds converted
    assert "p95_ms" not in figures  # wrk's own summary has no p95
    assert figures["errors"] == 2 + 1 + 4  # socket errors plus responses of 400 and more


def test_wrk_lua_line_gives_exact_percentiles():
    figures = run.parse_wrk(WRK_OUTPUT + LUA_LINE)
    assert (figures["p50_ms"], figures["p95_ms"], figures["p99_ms"]) == (40.512, 70.25, 1200.4)
    assert figures["errors"] == 7


def test_wrk_without_errors_and_microseconds():
    output = WRK_OUTPUT.replace("  Socket errors: connect 0, read 2, write 0, timeout 1\n", "")
    output = output.replace("  Non-2xx or 3xx responses: 4\n", "").replace("40.50ms", "950.00us")
    figures = run.parse_wrk(output)
    assert figures["errors"] == 0
    assert figures["p50_ms"] == pytest.approx(0.95)


def test_wrk_output_without_a_rate_is_refused():
    with pytest.raises(ValueError):
        run.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_locust_aggregated_row():
    figures = run.parse_locust_csv(LOCUST_CSV)
    assert figures == {"rps": 21.5, "requests": 1290, "errors": 2, "p50_ms": 7.0, "p95_ms": 25.0, "p99_ms": 110.0}
    assert run.parse_locust_csv(LOCUST_CSV, "anonymous home")["requests"] == 1200
    with pytest.raises(ValueError):
        run.parse_locust_csv(LOCUST_CSV, "missing")


def test_result_line_has_the_fields_and_judges_the_goal():
    line = run.result_line("anon_home", run.parse_wrk(WRK_OUTPUT + LUA_LINE), 400)
    assert list(line) == ["name", "rps", "p50_ms", "p95_ms", "p99_ms", "errors", "requests", "goal_rps", "met"]
    assert line["rps"] == 478.3 and line["p95_ms"] == 70.25
    assert line["met"] is False  # above the goal, but with errors

    clean = run.result_line("partner_meeting", {"rps": 150.0, "errors": 0, "requests": 3000}, 160)
    assert clean["met"] is False  # no errors, below the goal
    assert run.result_line("floor_plain_view", {"rps": 900.0, "errors": 0}, None)["met"] is True
    mixed = run.result_line("mixed_journey", run.parse_locust_csv(LOCUST_CSV), None)
    assert (mixed["rps"], mixed["errors"], mixed["met"]) == (21.5, 2, False)


def test_the_mixed_journey_is_met_only_with_enough_writes_and_a_quick_p95():
    figures = {"rps": 40.0, "errors": 0, "requests": 2400, "p50_ms": 20.0, "p95_ms": 120.0}
    assert run.mixed_line(figures, {"rps": 2.5, "requests": 150})["met"] is True
    line = run.mixed_line(figures, {"rps": 0.5, "requests": 30})
    assert (line["writes_per_s"], line["writes"], line["met"]) == (0.5, 30, False)
    assert run.mixed_line({**figures, "p95_ms": 151.0}, {"rps": 2.5, "requests": 150})["met"] is False
    assert run.mixed_line({**figures, "errors": 1}, {"rps": 2.5, "requests": 150})["met"] is False


def test_exceptions_of_locust_tasks_are_counted():
    text = "Count,Message,Traceback,Nodes\n3,TypeError: boom,tb,local\n2,KeyError: x,tb,local\n"
    assert run.count_locust_exceptions(text) == 5
    assert run.count_locust_exceptions("Count,Message,Traceback,Nodes\n") == 0
