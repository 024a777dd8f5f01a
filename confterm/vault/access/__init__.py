"""Access requests, loans, the access register and change control (no Textual here).

The law wants every consultation (查阅), copy (复制) and loan (借出) registered with a lawful
purpose (会计档案管理办法 art. 13; PIPL art. 47 for a deregistered client's personal
information). Modules, each one job:

- ``model``: the fixed lists (kinds, relations, ID documents, acts) and row types.
- ``requests``: ``register(ctx, RequestDraft)`` and reading a request.
- ``decisions``: ``decide(ctx, request_id, outcome, presence, ...)``: approver proven
  present, never the registrant, decision signed with the approver's Ed25519 key.
- ``fulfil``: consultations opened/closed, copies counted, loans lent and returned.
- ``guard``: ``require_covering_request(ctx, record_id, act)``: the gate other areas call
  before they reveal personal information, print or export a record's content.
- ``register``: the access register (查阅登记簿) queries, overdue loans, attention counts.
- ``reveal``: a client's masked personal information, only under a covering request.
- ``changes`` / ``history``: change control of controlled catalogue fields and a record's
  history (before and after, who, when, why, who approved); ``change_apply`` writes a
  change inside the caller's transaction; ``change_values`` parses typed values.
- ``views``: everything the Access screen shows about one request.
- ``attention``: the home screen's lines (overdue loans, requests and changes waiting).
- ``demo``: the demo vault's requests in every state.

Schema: ``migrations/0003_access.sql``.
"""
