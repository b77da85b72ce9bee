// Package n8n holds Counterpart's side of the contract with n8n, the workflow
// tool that does the LLM calls and the document processing:
//
//   - keys.go, signer.go: the short-lived JWTs Counterpart puts on every
//     webhook call (n8n's Webhook node "JWT Auth" verifies them);
//   - verifier.go, replay.go, bearer.go: verification of the tokens n8n's JWT
//     node puts on its callbacks (one algorithm, exp required, single use);
//   - stream.go, reply.go, detect.go: the two reply forms of a webhook, n8n's
//     streaming newline-delimited JSON and the plain JSON reply.
//
// The package has no PocketBase dependency; the features in hooks/ wire it to
// routes. Package n8ntest is an n8n stand-in for tests.
package n8n
