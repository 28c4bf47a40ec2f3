/// A failure of the cryptographic primitives (the random generator, scrypt) or a stored
/// password hash this program cannot read. `description` says which, for a person.
public struct AuthError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// OpenSSL's random generator failed (`RAND_bytes`).
        public static let random = Code("random")
        /// `EVP_PBE_scrypt` failed (out of memory, or parameters it refuses).
        public static let kdf = Code("kdf")
        /// A stored password hash is not in the `scrypt$N$r$p$salt$hash` form, or its
        /// parameters are out of the accepted range.
        public static let malformedHash = Code("malformed_hash")
        /// A password that cannot be used (empty, or longer than the accepted maximum).
        public static let unacceptablePassword = Code("unacceptable_password")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
