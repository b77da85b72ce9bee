package n8ntest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"regexp"
	"strings"

	_ "crypto/sha256" // register the hashes for crypto.Hash.New
	_ "crypto/sha512"
)

// JWT Auth rejection texts, as n8n 2.8.4's Webhook node (through the
// jsonwebtoken library) sends them.
const (
	TextNoToken          = "No token provided"         // 401: no header, or nothing after its first space
	TextMalformed        = "jwt malformed"             // 403: not three dot-separated parts
	TextInvalidToken     = "invalid token"             // 403: three parts that do not decode
	TextSignatureMissing = "jwt signature is required" // 403: empty signature (alg none)
	TextInvalidAlgorithm = "invalid algorithm"         // 403: another alg than the credential's
	TextInvalidSignature = "invalid signature"         // 403: wrong key
	TextExpired          = "jwt expired"               // 403: now >= exp
	TextNotActive        = "jwt not active"            // 403: nbf > now
	TextInvalidExp       = "invalid exp value"         // 403: exp not a number
	TextInvalidNbf       = "invalid nbf value"         // 403: nbf not a number
)

// jwsPattern is the jws library's isValidJws test.
var jwsPattern = regexp.MustCompile(`^[a-zA-Z0-9\-_]+?\.[a-zA-Z0-9\-_]+?\.([a-zA-Z0-9\-_]+)?$`)

// writeAuthError answers like n8n's WebhookAuthorizationError: plain text,
// no Content-Type, WWW-Authenticate: Basic realm="Webhook".
func writeAuthError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("WWW-Authenticate", `Basic realm="Webhook"`)
	h["Content-Type"] = nil // suppress Go's content sniffing: n8n sends none
	w.WriteHeader(status)
	w.Write([]byte(msg))
}

// checkJWT verifies an Authorization header value the way n8n's Webhook
// "JWT Auth" does: the token is the part after the first space, verified by
// jsonwebtoken.verify(token, key, {algorithms: [alg]}). It returns the
// payload, or a status (401/403) and n8n's text. A token without exp is
// accepted, as in n8n.
func (s *Server) checkJWT(authorization string) (claims map[string]any, status int, msg string) {
	parts := strings.Split(authorization, " ") // authHeader?.split(' ')[1]
	if len(parts) < 2 || parts[1] == "" {
		return nil, http.StatusUnauthorized, TextNoToken
	}
	token := parts[1]
	forbidden := func(m string) (map[string]any, int, string) { return nil, http.StatusForbidden, m }

	segs := strings.Split(token, ".")
	if len(segs) != 3 {
		return forbidden(TextMalformed)
	}
	if !jwsPattern.MatchString(token) {
		return forbidden(TextInvalidToken)
	}
	var header map[string]any
	if json.Unmarshal(nodeBase64(segs[0]), &header) != nil || header == nil {
		return forbidden(TextInvalidToken)
	}
	var payload map[string]any
	if err := json.Unmarshal(nodeBase64(segs[1]), &payload); err != nil {
		// With typ JWT, n8n reports the JSON.parse SyntaxError; without it,
		// jsonwebtoken would carry on with a string payload. Both rare:
		// answer "invalid token".
		return forbidden(TextInvalidToken)
	}
	if strings.TrimSpace(segs[2]) == "" {
		return forbidden(TextSignatureMissing)
	}
	if alg, _ := header["alg"].(string); alg != s.alg {
		return forbidden(TextInvalidAlgorithm)
	}
	if !s.verifySignature(segs[0]+"."+segs[1], segs[2]) {
		return forbidden(TextInvalidSignature)
	}
	now := float64(s.now().Unix()) // Math.floor(Date.now() / 1000)
	if v, ok := payload["nbf"]; ok {
		nbf, isNum := v.(float64)
		if !isNum {
			return forbidden(TextInvalidNbf)
		}
		if nbf > now {
			return forbidden(TextNotActive)
		}
	}
	if v, ok := payload["exp"]; ok {
		exp, isNum := v.(float64)
		if !isNum {
			return forbidden(TextInvalidExp)
		}
		if now >= exp {
			return forbidden(TextExpired)
		}
	}
	if payload == nil {
		payload = map[string]any{}
	}
	return payload, 0, ""
}

// verifySignature checks sig over signed with the server's key, as the jwa
// library does: HS* compares the base64url strings, RS*/PS*/ES* decode the
// signature leniently (Node's Buffer.from(…, "base64")).
func (s *Server) verifySignature(signed, sig string) bool {
	hash := map[string]crypto.Hash{"256": crypto.SHA256, "384": crypto.SHA384, "512": crypto.SHA512}[s.alg[2:]]
	h := hash.New()
	h.Write([]byte(signed))
	digest := h.Sum(nil)
	raw := nodeBase64(sig)
	switch s.alg[:2] {
	case "HS":
		mac := hmac.New(hash.New, s.hmacKey)
		mac.Write([]byte(signed))
		want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
		return hmac.Equal([]byte(sig), []byte(want))
	case "RS":
		pub, ok := s.pubKey.(*rsa.PublicKey)
		return ok && rsa.VerifyPKCS1v15(pub, hash, digest, raw) == nil
	case "PS":
		pub, ok := s.pubKey.(*rsa.PublicKey)
		return ok && rsa.VerifyPSS(pub, hash, digest, raw, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
	case "ES":
		pub, ok := s.pubKey.(*ecdsa.PublicKey)
		if !ok {
			return false
		}
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(raw) != 2*size {
			return false // jwa throws '"ES256" signatures must be "64" bytes'; close enough
		}
		r := new(big.Int).SetBytes(raw[:size])
		sv := new(big.Int).SetBytes(raw[size:])
		return ecdsa.Verify(pub, digest, r, sv)
	}
	return false
}

// nodeBase64 decodes like Node's Buffer.from(s, "base64"): both alphabets,
// padding optional, a dangling last character ignored.
func nodeBase64(s string) []byte {
	s = strings.NewReplacer("-", "+", "_", "/").Replace(strings.TrimRight(s, "="))
	if len(s)%4 == 1 {
		s = s[:len(s)-1]
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil
	}
	return b
}
