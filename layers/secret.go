package layers

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// TokenPrefix starts every API token, so that a token pasted into the wrong
// place (a chat, a repository) can be recognised and revoked.
const TokenPrefix = "onemap_"

// NewSecret returns prefix followed by 256 random bits in URL-safe base64:
// the secret of an API token or a login session. 256 bits cannot be
// guessed, which is why a fast hash (SecretHash) is enough to store it.
func NewSecret(prefix string) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", Wrap(err, Internal, "layers.NewSecret", "the system has no randomness to make a secret")
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// SecretHash is how tokens and sessions are stored and looked up: the
// SHA-256 of the secret in hex.
func SecretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Password limits. The minimum follows NIST SP 800-63B; the maximum keeps a
// hostile login from making the server hash megabytes.
const (
	MinPasswordLength = 10
	MaxPasswordBytes  = 1024
)

// argon2id parameters (OWASP's recommendation: 19 MiB, 2 passes, 1 lane):
// a login costs tens of milliseconds, a guess on a stolen hash as much.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// CheckPasswordStrength rejects passwords too short to resist guessing.
func CheckPasswordStrength(pw string) error {
	const op = "layers.CheckPasswordStrength"
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return Errorf(Invalid, op, "a password needs at least %d characters", MinPasswordLength)
	}
	if len(pw) > MaxPasswordBytes {
		return Errorf(Invalid, op, "a password may be at most %d bytes", MaxPasswordBytes)
	}
	return nil
}

// HashPassword hashes a password with argon2id and a random salt, in the
// PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) that keeps the
// parameters with the hash, so they can be raised later without breaking
// stored passwords.
func HashPassword(pw string) (string, error) {
	if err := CheckPasswordStrength(pw); err != nil {
		return "", err
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", Wrap(err, Internal, "layers.HashPassword", "the system has no randomness for a salt")
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches an encoded hash from
// HashPassword, comparing in constant time. A hash it cannot read is an
// Internal error (a damaged account), never a match.
func CheckPassword(encoded, pw string) (bool, error) {
	const op = "layers.CheckPassword"
	bad := Errorf(Internal, op, "a stored password hash cannot be read")
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, bad
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, bad
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<22 || t == 0 || t > 64 || p == 0 {
		return false, bad
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, bad
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 128 {
		return false, bad
	}
	if len(pw) > MaxPasswordBytes {
		return false, nil
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
