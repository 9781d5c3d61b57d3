"""xAPI: learning records sent to a learning record store (docs/xapi.md).

The framework layer beside `search`: statements (`statements.py`), the outbox they wait in
(`outbox.py`, `models.py`), the sender (`sending.py`, the `send_statements` task). It imports the
portal and nothing above it; content apps record their events through `xapi.outbox.record`.
"""
