import StemModel

/// An engine that runs some layers of a network (``runsLayers``) and is told, step by step,
/// the spikes of the others: the device of a mixed-level run (``MixedEngine``,
/// `stemsim run --rtl-layers`). The RTL engine on a partial mapping is one: its host sends
/// those spikes into the mesh as it sends the inputs.
public protocol LayerFedEngine: SpikingEngine {
    /// The layers (`1...L`, ascending) the engine runs.
    var runsLayers: [Int] { get }

    /// Runs the next time step. `layerSpikes[0]` are the inputs spiking in it and
    /// `layerSpikes[l]` the neurons of layer `l` (`1...L`) spiking in it elsewhere (the golden
    /// model), each ascending; the engine reads those of the layers it does not run. Returns
    /// the spiking neurons of layers `1...L`: its own layers' spikes, empty arrays for the rest.
    func step(layerSpikes: [[Int32]]) throws -> [[Int32]]
}
