/// Shard results that do not make up the run (``ShardedLockstep/merge(_:)``): too few or too
/// many, samples other than the shard's, or a record that ends early.
public struct ShardMergeError: Error, CustomStringConvertible {
    /// What is wrong, naming the shard.
    public var message: String

    public init(message: String) { self.message = message }

    public var description: String { message }
}
