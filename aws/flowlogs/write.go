package flowlogs

import (
	"strconv"

	"github.com/reachnet/reach/checks"
)

// Append writes r as one line in the format (without a newline), as the
// flow-log service would: "-" for a field the record does not have. It is
// the inverse of Parser.Parse, used to export records and to seed tests.
func (f *Format) Append(dst []byte, r *checks.Flow) []byte {
	for i, id := range f.cols {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendField(dst, id, r)
	}
	return dst
}

func appendStr(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '-')
	}
	return append(dst, s...)
}

func appendAddr(dst []byte, a interface {
	IsValid() bool
	AppendTo([]byte) []byte
}) []byte {
	if !a.IsValid() {
		return append(dst, '-')
	}
	return a.AppendTo(dst)
}

// appendOpt writes n, or "-" when n is the field's "absent" value.
func appendOpt(dst []byte, n int64, absent int64) []byte {
	if n == absent {
		return append(dst, '-')
	}
	return strconv.AppendInt(dst, n, 10)
}

func appendField(dst []byte, id field, r *checks.Flow) []byte {
	switch id {
	case fVersion:
		return appendOpt(dst, int64(r.Version), 0)
	case fAccountID:
		return appendStr(dst, r.AccountID)
	case fInterfaceID:
		return appendStr(dst, r.InterfaceID)
	case fSrcAddr:
		return appendAddr(dst, r.Src)
	case fDstAddr:
		return appendAddr(dst, r.Dst)
	case fPktSrcAddr:
		return appendAddr(dst, r.PktSrc)
	case fPktDstAddr:
		return appendAddr(dst, r.PktDst)
	case fSrcPort, fDstPort, fProtocol, fPackets, fBytes:
		// A record without traffic (NODATA, SKIPDATA) has none of these.
		if r.LogStatus == "NODATA" || r.LogStatus == "SKIPDATA" {
			return append(dst, '-')
		}
		switch id {
		case fSrcPort:
			return strconv.AppendUint(dst, uint64(r.SrcPort), 10)
		case fDstPort:
			return strconv.AppendUint(dst, uint64(r.DstPort), 10)
		case fProtocol:
			return strconv.AppendInt(dst, int64(r.Protocol), 10)
		case fPackets:
			return strconv.AppendInt(dst, r.Packets, 10)
		default:
			return strconv.AppendInt(dst, r.Bytes, 10)
		}
	case fStart:
		if r.Start.IsZero() {
			return append(dst, '-')
		}
		return strconv.AppendInt(dst, r.Start.Unix(), 10)
	case fEnd:
		if r.End.IsZero() {
			return append(dst, '-')
		}
		return strconv.AppendInt(dst, r.End.Unix(), 10)
	case fAction:
		return appendStr(dst, r.Action)
	case fLogStatus:
		return appendStr(dst, r.LogStatus)
	case fVPCID:
		return appendStr(dst, r.VPCID)
	case fSubnetID:
		return appendStr(dst, r.SubnetID)
	case fInstanceID:
		return appendStr(dst, r.InstanceID)
	case fTCPFlags:
		return appendOpt(dst, int64(r.TCPFlags), -1)
	case fType:
		return appendStr(dst, r.Type)
	case fRegion:
		return appendStr(dst, r.Region)
	case fAZID:
		return appendStr(dst, r.AZID)
	case fSublocationType:
		return appendStr(dst, r.SublocationType)
	case fSublocationID:
		return appendStr(dst, r.SublocationID)
	case fPktSrcAWSService:
		return appendStr(dst, r.PktSrcAWSService)
	case fPktDstAWSService:
		return appendStr(dst, r.PktDstAWSService)
	case fFlowDirection:
		return appendStr(dst, r.FlowDirection)
	case fTrafficPath:
		return appendOpt(dst, int64(r.TrafficPath), -1)
	case fECSClusterARN:
		return appendStr(dst, r.ECSClusterARN)
	case fECSClusterName:
		return appendStr(dst, r.ECSClusterName)
	case fECSContainerInstanceARN:
		return appendStr(dst, r.ECSContainerInstanceARN)
	case fECSContainerInstanceID:
		return appendStr(dst, r.ECSContainerInstanceID)
	case fECSContainerID:
		return appendStr(dst, r.ECSContainerID)
	case fECSSecondContainerID:
		return appendStr(dst, r.ECSSecondContainerID)
	case fECSServiceName:
		return appendStr(dst, r.ECSServiceName)
	case fECSTaskDefinitionARN:
		return appendStr(dst, r.ECSTaskDefinitionARN)
	case fECSTaskARN:
		return appendStr(dst, r.ECSTaskARN)
	case fECSTaskID:
		return appendStr(dst, r.ECSTaskID)
	case fRejectReason:
		return appendStr(dst, r.RejectReason)
	case fResourceID:
		return appendStr(dst, r.ResourceID)
	case fEncryptionStatus:
		return appendOpt(dst, int64(r.EncryptionStatus), -1)
	}
	return append(dst, '-')
}
