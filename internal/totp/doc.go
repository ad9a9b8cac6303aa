// Package totp computes one-time passwords and reads and writes otpauth://
// URIs. It implements HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1,
// HMAC-SHA256 and HMAC-SHA512, 6 to 10 digits, any period from 1 second to
// 1 day, and Steam Guard codes.
//
// The package does no I/O and never reads the clock or a random source: the
// caller passes the time to [Key.Code], [Key.Step] and [Key.Remaining].
//
// # Keys
//
// A [Key] is a fully checked value. [ParseURI] returns one, and
// [Key.Validate] applies the same checks to a key built in code, such as one
// from command-line flags. [Key.URI] writes the normalised form, with every
// parameter explicit, and ParseURI reads it back to an equal key.
//
// # otpauth URIs
//
// The accepted form is the Key URI format of Google Authenticator:
//
//	otpauth://TYPE/LABEL?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
//
// TYPE is totp or hotp, in any case. The type steam, which some apps write,
// and the parameter encoder=steam both mark a Steam Guard key: a TOTP key
// whose codes are 5 characters from Steam's alphabet. Key.URI writes Steam
// keys as type totp with encoder=steam and digits=5.
//
// The secret is base32 in any case. White space and hyphens in it are
// ignored and its "=" padding is optional, so "jbsw y3dp ehpk 3pxp", "JBSWY3DPEHPK3PXP"
// and a padded secret written as %3D are the same key. The parameters
// algorithm (any case; default SHA1), digits (default 6, or 5 for Steam) and
// period (seconds, default 30, at most 86400) are optional. An hotp URI must
// have a counter parameter, which is the counter of the next code. A totp URI's
// counter parameter and an hotp URI's period parameter are ignored, and so are
// unknown parameters such as image. Each parameter that ParseURI reads
// (secret, issuer, algorithm, digits, period, counter and encoder) may appear
// only once.
//
// # Labels
//
// The label is "issuer:account" or just "account", percent-encoded. The
// separator may be a literal ":" or "%3A", and spaces after it are ignored.
// Surrounding spaces are trimmed from the issuer and the account. When the URI
// has an issuer parameter, that parameter is the issuer and the label's
// prefix is dropped:
//
//   - If the decoded label starts with the issuer parameter followed by ":",
//     the account is the rest of the label. This is how an issuer that itself
//     contains ":" is read back.
//   - Otherwise, if the label contains ":", the account is the part after the
//     first ":", even when the prefix before it names a different issuer. The
//     account is never the whole "Prefix:account" label.
//   - Otherwise the whole label is the account.
//
// Without an issuer parameter, the label's prefix before the first ":" is the
// issuer. Key.URI always writes the issuer both as the label prefix and as the
// issuer parameter. When there is no issuer but the account contains ":", it
// writes an empty prefix (":account") so that the account reads back whole.
//
// Issuers and accounts must be valid UTF-8 without control characters, and
// must not start or end with a space. They may contain any other character,
// including ":", "/", "?", "&", "%" and "+".
//
// # Errors
//
// Errors are one line, name the field that is wrong, and never contain the
// secret or any part of it. Errors from ParseURI wrap [ErrInvalidURI], and
// errors from Key.Validate and Key.Code for a bad key wrap [ErrInvalidKey].
package totp
