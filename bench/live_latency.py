#!/usr/bin/env python3
"""Append-to-finding latency of `rmmguard watch` (issue 14).

Starts `rmmguard watch` on an empty folder, appends one suspicious Sysmon
event at a time (a portable AnyDesk run on a host of its own, so each append
makes a new finding) at random moments while a background writer appends
benign events to another file at a steady rate, and times each append until
watch prints the finding. Prints p50, p90, p99 and max.

usage: bench/live_latency.py RMMGUARD [APPENDS] [BACKGROUND_EVENTS_PER_SECOND]
"""
import json, os, random, subprocess, sys, tempfile, threading, time

binary = sys.argv[1]
appends = int(sys.argv[2]) if len(sys.argv) > 2 else 200
background_rate = int(sys.argv[3]) if len(sys.argv) > 3 else 2000


def sysmon(host, image, minute):
    return json.dumps({
        "@timestamp": f"2026-11-20T09:{minute % 60:02d}:00.000Z",
        "event": {"code": "1", "provider": "Microsoft-Windows-Sysmon", "kind": "event"},
        "host": {"name": host},
        "winlog": {"channel": "Microsoft-Windows-Sysmon/Operational", "event_id": "1",
                   "provider_name": "Microsoft-Windows-Sysmon", "record_id": minute,
                   "event_data": {"Image": image, "CommandLine": image, "User": "CORP\\bob",
                                  "ParentImage": "C:\\Windows\\explorer.exe"}},
    }) + "\n"


work = tempfile.mkdtemp(prefix="rmmguard-latency-")
folder = os.path.join(work, "logs")
os.makedirs(folder)
watch = subprocess.Popen(
    [binary, "watch", "--interval", "100ms", "--min-severity", "high",
     "--state", os.path.join(work, "state.db"), folder],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

seen = {}
def reader():
    for line in watch.stdout:
        now = time.monotonic()
        if " E005 " in line:
            host = line.rsplit(" on ", 1)[-1].split(" ", 1)[0]
            seen.setdefault(host, now)
threading.Thread(target=reader, daemon=True).start()

stop = False
def background():
    n = 0
    with open(os.path.join(folder, "background.jsonl"), "a") as out:
        while not stop:
            batch = max(1, background_rate // 20)
            out.write("".join(sysmon(f"BG-{(n + i) % 500}", "C:\\Windows\\System32\\svchost.exe", n + i) for i in range(batch)))
            out.flush()
            n += batch
            time.sleep(0.05)
threading.Thread(target=background, daemon=True).start()

time.sleep(1.0)
sent = {}
with open(os.path.join(folder, "sysmon.jsonl"), "a") as out:
    for i in range(appends):
        host = f"LAT-{i:05d}"
        out.write(sysmon(host, "C:\\Users\\bob\\Downloads\\AnyDesk.exe", i))
        out.flush()
        sent[host] = time.monotonic()
        time.sleep(random.uniform(0.05, 0.3))
deadline = time.monotonic() + 10
while len(seen) < appends and time.monotonic() < deadline:
    time.sleep(0.1)
stop = True
watch.kill()

latencies = sorted(seen[h] - sent[h] for h in sent if h in seen)
missing = appends - len(latencies)
def pct(p):
    return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
print(f"appends {appends}, background {background_rate} events/s, watch --interval 100ms")
print(f"latency ms: p50 {pct(0.50):.0f}, p90 {pct(0.90):.0f}, p99 {pct(0.99):.0f}, max {latencies[-1]*1000:.0f}; missing {missing}")
