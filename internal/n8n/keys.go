package n8n

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultTTL is the lifetime of outbound tokens when [KeyConfig.TTL] is zero.
const DefaultTTL = 60 * time.Second

// MaxLifetime is the longest lifetime (exp − iat) a token may have, outbound
// (the TTL) and inbound (the verifier refuses longer-lived tokens).
const MaxLifetime = 10 * time.Minute

// MinSecretLength is the shortest HMAC secret LoadKeys accepts, in bytes.
const MinSecretLength = 32

// MinRSABits is the smallest RSA modulus LoadKeys accepts.
const MinRSABits = 2048

// maxKeyFileBytes bounds what LoadKeys reads from a key file.
const maxKeyFileBytes = 1 << 20

// Algorithms lists the algorithms n8n's "JWT Auth" credential offers, in the
// spelling of the JOSE "alg" header.
var Algorithms = []string{
	"HS256", "HS384", "HS512",
	"RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512",
}

// KeyConfig says how tokens exchanged with n8n are signed and verified; it
// mirrors the n8n.jwt.* configuration keys.
type KeyConfig struct {
	// Algorithm is one of [Algorithms]; n8n accepts exactly this one.
	Algorithm string
	// Secret is the shared HMAC secret for HS256/384/512 (at least
	// MinSecretLength bytes). Ignored by the other algorithms.
	Secret string
	// PrivateKeyFile is a PEM file with the key that signs outbound tokens
	// (RS*/PS*: RSA in PKCS#1 or PKCS#8; ES*: EC in SEC 1 or PKCS#8, on the
	// algorithm's curve). Unencrypted only. Ignored by HS*.
	PrivateKeyFile string
	// PublicKeyFile is a PEM file (PKIX public key, PKCS#1 RSA public key or
	// a certificate) with the key that verifies inbound callbacks. It may be
	// the public half of PrivateKeyFile or n8n's own key. When empty, the
	// public half of PrivateKeyFile is used. Ignored by HS*.
	PublicKeyFile string
	// TTL is the lifetime of outbound tokens: 0 means DefaultTTL; otherwise
	// from 1s to MaxLifetime.
	TTL time.Duration
}

// Keys are the loaded, checked keys for one algorithm. Build them with
// [LoadKeys]; they are immutable and safe for concurrent use.
type Keys struct {
	alg       string
	method    jwt.SigningMethod
	signKey   any // []byte, *rsa.PrivateKey or *ecdsa.PrivateKey; nil when verify-only
	verifyKey any // []byte, *rsa.PublicKey or *ecdsa.PublicKey; nil when sign-only
	ttl       time.Duration
}

// LoadKeys checks cfg and loads its secret or key files. HS* needs a secret
// of at least MinSecretLength bytes; RS*/PS* need RSA keys of at least
// MinRSABits; ES* need EC keys on the algorithm's curve (P-256, P-384,
// P-521). An asymmetric algorithm needs at least one key file; with only a
// public key the Keys can verify but not sign. Errors name the file and what
// is wrong with it, never key material.
func LoadKeys(cfg KeyConfig) (*Keys, error) {
	alg := strings.ToUpper(strings.TrimSpace(cfg.Algorithm))
	method := jwt.GetSigningMethod(alg)
	if method == nil || !isAlgorithm(alg) {
		return nil, fmt.Errorf("n8n keys: algorithm %q is not supported: expected one of %s", cfg.Algorithm, strings.Join(Algorithms, ", "))
	}
	k := &Keys{alg: alg, method: method, ttl: cfg.TTL}
	switch {
	case k.ttl == 0:
		k.ttl = DefaultTTL
	case k.ttl < time.Second || k.ttl > MaxLifetime:
		return nil, fmt.Errorf("n8n keys: token TTL %s is out of range: expected 1s to %s (n8n accepts a token until it expires)", cfg.TTL, MaxLifetime)
	}

	if strings.HasPrefix(alg, "HS") {
		if len(cfg.Secret) < MinSecretLength {
			return nil, fmt.Errorf("n8n keys: the %s secret is %d bytes long: at least %d are required", alg, len(cfg.Secret), MinSecretLength)
		}
		secret := []byte(cfg.Secret)
		k.signKey, k.verifyKey = secret, secret
		return k, nil
	}

	if cfg.PrivateKeyFile == "" && cfg.PublicKeyFile == "" {
		return nil, fmt.Errorf("n8n keys: algorithm %s needs a private key file, a public key file, or both", alg)
	}
	if cfg.PrivateKeyFile != "" {
		priv, err := loadPrivateKey(cfg.PrivateKeyFile, alg)
		if err != nil {
			return nil, err
		}
		k.signKey = priv
		switch p := priv.(type) {
		case *rsa.PrivateKey:
			k.verifyKey = &p.PublicKey
		case *ecdsa.PrivateKey:
			k.verifyKey = &p.PublicKey
		}
	}
	if cfg.PublicKeyFile != "" {
		pub, err := loadPublicKey(cfg.PublicKeyFile, alg)
		if err != nil {
			return nil, err
		}
		k.verifyKey = pub
	}
	return k, nil
}

// Algorithm returns the algorithm, e.g. "HS256".
func (k *Keys) Algorithm() string { return k.alg }

// TTL returns the lifetime of outbound tokens.
func (k *Keys) TTL() time.Duration { return k.ttl }

// CanSign reports whether the Keys hold a signing key (a secret or a private key).
func (k *Keys) CanSign() bool { return k.signKey != nil }

// CanVerify reports whether the Keys hold a verification key (a secret or a public key).
func (k *Keys) CanVerify() bool { return k.verifyKey != nil }

func isAlgorithm(alg string) bool {
	for _, a := range Algorithms {
		if a == alg {
			return true
		}
	}
	return false
}

// readPEM reads path and returns its PEM blocks. what is "private key" or
// "public key", for messages.
func readPEM(path, what string) ([]*pem.Block, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in the message
		}
		return nil, fmt.Errorf("n8n keys: %s file %q: cannot open: %w", what, path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("n8n keys: %s file %q: cannot read: %w", what, path, err)
	}
	if len(data) > maxKeyFileBytes {
		return nil, fmt.Errorf("n8n keys: %s file %q: larger than %d bytes, not a PEM key", what, path, maxKeyFileBytes)
	}
	var blocks []*pem.Block
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		blocks = append(blocks, b)
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("n8n keys: %s file %q: no PEM block found (expected a \"-----BEGIN ...-----\" line)", what, path)
	}
	return blocks, nil
}

func isEncrypted(b *pem.Block) bool {
	return b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED")
}

func loadPrivateKey(path, alg string) (any, error) {
	blocks, err := readPEM(path, "private key")
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("n8n keys: private key file %q: "+format, append([]any{path}, args...)...)
	}
	for _, b := range blocks {
		if isEncrypted(b) {
			return nil, bad("the key is encrypted; store it unencrypted with owner-only permissions (openssl pkey -in KEY -out PLAIN)")
		}
		var key any
		switch b.Type {
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(b.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
			return nil, bad("holds a %s, not a private key", strings.ToLower(b.Type))
		default:
			continue // e.g. "EC PARAMETERS" written by openssl ecparam -genkey
		}
		if err != nil {
			return nil, bad("cannot parse the %s block: %v", b.Type, err)
		}
		if err := checkKey(key, alg); err != nil {
			return nil, bad("%v", err)
		}
		return key, nil
	}
	return nil, bad("no private key block found (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)")
}

func loadPublicKey(path, alg string) (any, error) {
	blocks, err := readPEM(path, "public key")
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("n8n keys: public key file %q: "+format, append([]any{path}, args...)...)
	}
	for _, b := range blocks {
		var key any
		switch b.Type {
		case "PUBLIC KEY":
			key, err = x509.ParsePKIXPublicKey(b.Bytes)
		case "RSA PUBLIC KEY":
			key, err = x509.ParsePKCS1PublicKey(b.Bytes)
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(b.Bytes); err == nil {
				key = cert.PublicKey
			}
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
			return nil, bad("holds a private key; give only the public key (openssl pkey -in KEY -pubout)")
		default:
			continue
		}
		if err != nil {
			return nil, bad("cannot parse the %s block: %v", b.Type, err)
		}
		if err := checkKey(key, alg); err != nil {
			return nil, bad("%v", err)
		}
		return key, nil
	}
	return nil, bad("no public key block found (expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)")
}

// checkKey checks that key (private or public) fits alg.
func checkKey(key any, alg string) error {
	var rsaKey *rsa.PublicKey
	var ecKey *ecdsa.PublicKey
	switch k := key.(type) {
	case *rsa.PrivateKey:
		rsaKey = &k.PublicKey
	case *rsa.PublicKey:
		rsaKey = k
	case *ecdsa.PrivateKey:
		ecKey = &k.PublicKey
	case *ecdsa.PublicKey:
		ecKey = k
	case ed25519.PrivateKey, ed25519.PublicKey:
		return fmt.Errorf("is an Ed25519 key, which n8n's JWT Auth does not support; %s needs %s", alg, keyKind(alg))
	default:
		return fmt.Errorf("is a %T, but %s needs %s", key, alg, keyKind(alg))
	}
	switch alg[:2] {
	case "RS", "PS":
		if rsaKey == nil {
			return fmt.Errorf("is an EC key, but %s needs an RSA key", alg)
		}
		if bits := rsaKey.N.BitLen(); bits < MinRSABits {
			return fmt.Errorf("the RSA key has %d bits: at least %d are required", bits, MinRSABits)
		}
	case "ES":
		if ecKey == nil {
			return fmt.Errorf("is an RSA key, but %s needs an EC key", alg)
		}
		want := map[string]string{"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}[alg]
		if ecKey.Curve == nil || ecKey.Curve.Params().Name != want {
			got := "unknown"
			if ecKey.Curve != nil {
				got = ecKey.Curve.Params().Name
			}
			return fmt.Errorf("the EC key is on curve %s, but %s needs %s", got, alg, want)
		}
	}
	return nil
}

func keyKind(alg string) string {
	if strings.HasPrefix(alg, "ES") {
		return "an EC key"
	}
	return "an RSA key"
}
