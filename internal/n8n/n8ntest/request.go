package n8ntest

import "net/http"

// Request is what the server recorded of one request.
type Request struct {
	// Method and Path are the request's, e.g. "POST" and
	// "/webhook/counterpart-chat".
	Method, Path string
	// Header is a copy of the request headers.
	Header http.Header
	// Claims are the verified JWT claims (n8n's $json.jwtPayload); nil when
	// the request was rejected.
	Claims map[string]any
	// Body is the JSON body as an object (n8n's $json.body); nil when the
	// body is empty or not a JSON object. RawBody is the body as received.
	Body    map[string]any
	RawBody []byte
	// Status is the HTTP status of the answer (0 when the body could not be
	// read). A request is recorded as soon as it is authorized, before its
	// reply runs: Status is then the status the reply sends (see Aborted for
	// replies the client abandoned).
	Status int
	// Rejection is the JWT Auth rejection text ("jwt expired", ...), "" when
	// the token was accepted or not checked.
	Rejection string
}
