import StemModel

extension InputQuantization {
    /// The STEM inputs for the float samples in `samples` (`[S, ...]` whose trailing dimensions
    /// hold the model input's `C*H*W` values in C order), quantized as the model's first
    /// `QuantizeLinear` does, with the labels in `labels` (`[S]`, integers `0..<outputs`).
    /// float64 values are rounded to float32 first (the model's input type).
    /// - Throws: ``FormatError`` naming the file and what does not fit.
    public func inputSet(samples: NPYArray, file: String, labels: NPYArray?, labelsFile: String,
                         outputs: Int) throws(FormatError) -> InputSet {
        guard let count = samples.shape.first, count >= 1, samples.shape.count >= 2 else {
            throw FormatError(file: file, location: .file, message: "shape \(samples.shape): expected [samples, ...] with at least one sample")
        }
        let size = samples.shape.dropFirst().reduce(1, *)
        guard size == shape.count else {
            throw FormatError(file: file, location: .file,
                              message: "shape \(samples.shape) has \(size) values per sample; the model's input \(shape) has \(shape.count)")
        }
        var rows: [[Int64]] = []
        rows.reserveCapacity(count)
        for k in 0..<count {
            var row: [Int64] = []
            row.reserveCapacity(size)
            for i in 0..<size {
                let x = samples.values[k * size + i]
                guard x.isFinite else {
                    throw FormatError(file: file, location: .file, message: "sample \(k), value \(i) is \(x), not a finite number")
                }
                row.append(value(of: Float(x)))
            }
            rows.append(row)
        }
        var labelValues: [Int]?
        if let labels {
            guard labels.shape == [count], let integers = labels.integers else {
                throw FormatError(file: labelsFile, location: .file,
                                  message: "expected \(count) integer labels (int64 or uint8, shape [\(count)]), got \(labels.elementType.rawValue) of shape \(labels.shape)")
            }
            labelValues = []
            for (k, label) in integers.enumerated() {
                guard (0..<Int64(outputs)).contains(label) else {
                    throw FormatError(file: labelsFile, location: .file, message: "label \(k) is \(label), outside 0...\(outputs - 1)")
                }
                labelValues?.append(Int(label))
            }
        }
        return InputSet(samples: rows, labels: labelValues)
    }
}
