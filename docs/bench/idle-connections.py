#!/usr/bin/env python3
"""Holds N idle socketmap connections to HOST:PORT, each after one lookup, as Postfix's smtp
processes leave them. Usage: idle-connections.py HOST PORT N SECONDS"""
import socket
import sys
import time

host, port, n, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
query = b"starttls gmail.com"
query = str(len(query)).encode() + b":" + query + b","
held = []
for i in range(n):
    s = socket.create_connection((host, port))
    s.sendall(query)
    reply = b""
    while not reply.endswith(b","):
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("closed by the server after %d connections" % i)
        reply += chunk
    held.append(s)
print("holding", len(held), "connections", flush=True)
time.sleep(hold)
