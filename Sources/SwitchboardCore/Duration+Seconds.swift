extension Duration {
    /// The duration in seconds, as a Double (for `Date(timeIntervalSinceNow:)`, timeouts,
    /// histograms).
    public var inSeconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
