/// A minimal SVG writer for the sweep's plots: plain elements, coordinates rounded to 0.1,
/// text escaped. The result is a standalone file any browser or image viewer shows.
struct SVGCanvas {
    let width: Int
    let height: Int
    private var body: [String] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The finished document.
    var text: String {
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" font-family="Helvetica, Arial, sans-serif" font-size="12">"#,
            #"<rect x="0" y="0" width="\#(width)" height="\#(height)" fill="white"/>"#,
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ v: Double) -> String {
        let tenths = (v * 10).rounded()
        let integer = Int(tenths)
        if integer % 10 == 0 { return String(integer / 10) }
        let sign = integer < 0 ? "-" : ""
        return sign + String(abs(integer) / 10) + "." + String(abs(integer) % 10)
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    mutating func comment(_ text: String) {
        body.append("<!-- " + text.replacingDoubleDashes() + " -->")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        let n = Self.number
        body.append(#"<line x1="\#(n(x1))" y1="\#(n(y1))" x2="\#(n(x2))" y2="\#(n(y2))" stroke="\#(stroke)" stroke-width="\#(n(width))""#
            + (dash.map { #" stroke-dasharray="\#($0)""# } ?? "") + "/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        guard points.count >= 2 else { return }
        let list = points.map { Self.number($0.0) + "," + Self.number($0.1) }.joined(separator: " ")
        body.append(#"<polyline points="\#(list)" fill="none" stroke="\#(stroke)" stroke-width="\#(Self.number(width))" stroke-linejoin="round""#
            + (dash.map { #" stroke-dasharray="\#($0)""# } ?? "") + "/>")
    }

    /// A circle; with a `title`, wrapped in a group that carries it (a tooltip in browsers;
    /// simple renderers ignore it).
    mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: String, stroke: String? = nil,
                         strokeWidth: Double = 1, title: String? = nil) {
        let n = Self.number
        var element = #"<circle cx="\#(n(x))" cy="\#(n(y))" r="\#(n(radius))" fill="\#(fill)""#
        if let stroke { element += #" stroke="\#(stroke)" stroke-width="\#(n(strokeWidth))""# }
        element += "/>"
        if let title { element = "<g><title>" + Self.escaped(title) + "</title>" + element + "</g>" }
        body.append(element)
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil) {
        let n = Self.number
        body.append(#"<rect x="\#(n(x))" y="\#(n(y))" width="\#(n(w))" height="\#(n(h))" fill="\#(fill)""#
            + (stroke.map { #" stroke="\#($0)""# } ?? "") + "/>")
    }

    /// A small × centred on `(x, y)`.
    mutating func cross(_ x: Double, _ y: Double, size: Double, stroke: String, title: String? = nil) {
        let n = Self.number
        let d = "M\(n(x - size)),\(n(y - size)) L\(n(x + size)),\(n(y + size)) M\(n(x - size)),\(n(y + size)) L\(n(x + size)),\(n(y - size))"
        var element = #"<path d="\#(d)" stroke="\#(stroke)" stroke-width="2" fill="none"/>"#
        if let title { element = "<g><title>" + Self.escaped(title) + "</title>" + element + "</g>" }
        body.append(element)
    }

    enum Anchor: String {
        case start, middle, end
    }

    mutating func text(_ string: String, x: Double, y: Double, anchor: Anchor = .start, size: Int? = nil,
                       fill: String = "#222", bold: Bool = false, rotate: Double? = nil) {
        let n = Self.number
        var element = #"<text x="\#(n(x))" y="\#(n(y))" text-anchor="\#(anchor.rawValue)" fill="\#(fill)""#
        if let size { element += #" font-size="\#(size)""# }
        if bold { element += #" font-weight="bold""# }
        if let rotate { element += #" transform="rotate(\#(n(rotate)) \#(n(x)) \#(n(y)))""# }
        body.append(element + ">" + Self.escaped(string) + "</text>")
    }
}

private extension String {
    /// XML comments must not hold `--`.
    func replacingDoubleDashes() -> String {
        var out = ""
        for c in self {
            if c == "-" && out.hasSuffix("-") { out.append(" ") }
            out.append(c)
        }
        return out
    }
}
