import StemModel
