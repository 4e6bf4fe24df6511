// StemModel
