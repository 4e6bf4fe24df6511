import ArgumentParser

/// `--shard i/n` of `stemsim sweep` and `stemsim run`: shard `i` of `n`, one task of a job
/// array (`--shard $SLURM_ARRAY_TASK_ID/n`).
struct ShardSpec: Equatable {
    /// `i`, from 0.
    var index: Int
    /// `n`, at least 1.
    var count: Int

    /// `i/n` with `0 <= i < n` (`n` is checked against what is sharded when that is read).
    static func parse(_ text: String) throws -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ValidationError("--shard: '\(text)' is not i/n (shard i of n, 0 <= i < n)")
        }
        guard count >= 1 else { throw ValidationError("--shard: \(text): the shard count \(count) must be at least 1") }
        guard (0..<count).contains(index) else {
            throw ValidationError("--shard: \(text): the shard \(index) is out of range 0...\(count - 1)")
        }
        return ShardSpec(index: index, count: count)
    }

    /// `3/8`.
    var text: String { "\(index)/\(count)" }
}
