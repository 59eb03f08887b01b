package aws

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/checks"
)

// SavedAnalysis is a finished analysis and the path it analysed, as
// `snapshot save --analyzer` writes them next to the inventory: the
// outputs of `aws ec2 describe-network-insights-paths` and
// `describe-network-insights-analyses`.
type SavedAnalysis struct {
	Path     types.NetworkInsightsPath
	Analysis types.NetworkInsightsAnalysis
	// Started is the analysis's start time as written, for the replay's
	// message.
	Started string
}

// Saved analysis file names; the reader recognises them by their keys.
const (
	savedPathsFile    = "describe-network-insights-paths.json"
	savedAnalysesFile = "describe-network-insights-analyses.json"
)

// WriteSavedAnalysis writes the path and the analysis into dir in the AWS
// CLI's shape.
func WriteSavedAnalysis(dir string, s SavedAnalysis) error {
	docs := map[string]any{
		savedPathsFile:    map[string]any{"NetworkInsightsPaths": []types.NetworkInsightsPath{s.Path}},
		savedAnalysesFile: map[string]any{"NetworkInsightsAnalyses": []types.NetworkInsightsAnalysis{s.Analysis}},
	}
	for name, doc := range docs {
		b, err := json.MarshalIndent(doc, "", "    ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ErrNoSavedAnalysis says the snapshot holds no finished analysis.
var ErrNoSavedAnalysis = errors.New("the snapshot holds no Reachability Analyzer analysis (save one with reach snapshot save --analyzer --from SRC --to DST)")

// ReadSavedAnalysis finds the saved analysis in dir, by the top-level keys
// of its JSON files, as the snapshot reader finds everything else.
func ReadSavedAnalysis(dir string) (SavedAnalysis, error) {
	var s SavedAnalysis
	var paths, analyses []map[string]any
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(d.Name(), ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var doc struct {
			NetworkInsightsPaths    []map[string]any
			NetworkInsightsAnalyses []map[string]any
		}
		if json.Unmarshal(b, &doc) != nil {
			// Not ours to judge: the snapshot reader reports bad files.
			return nil
		}
		paths = append(paths, doc.NetworkInsightsPaths...)
		analyses = append(analyses, doc.NetworkInsightsAnalyses...)
		return nil
	})
	if err != nil {
		return s, err
	}
	if len(analyses) == 0 {
		return s, ErrNoSavedAnalysis
	}
	if len(analyses) > 1 {
		return s, fmt.Errorf("the snapshot holds %d Reachability Analyzer analyses; reach replays one", len(analyses))
	}
	s.Started, _ = analyses[0]["StartDate"].(string)
	if err := decodeUntimed(analyses[0], &s.Analysis); err != nil {
		return s, fmt.Errorf("the saved analysis: %w", err)
	}
	want := sdkaws.ToString(s.Analysis.NetworkInsightsPathId)
	for _, p := range paths {
		var path types.NetworkInsightsPath
		if err := decodeUntimed(p, &path); err != nil {
			return s, fmt.Errorf("the saved path: %w", err)
		}
		if sdkaws.ToString(path.NetworkInsightsPathId) == want {
			s.Path = path
			return s, nil
		}
	}
	return s, fmt.Errorf("the snapshot holds analysis %s but not its path %s", sdkaws.ToString(s.Analysis.NetworkInsightsAnalysisId), want)
}

// decodeUntimed decodes a CLI document into an SDK type without its
// timestamps, whose shape varies by CLI version and which the replay does
// not need.
func decodeUntimed(doc map[string]any, v any) error {
	delete(doc, "StartDate")
	delete(doc, "CreatedDate")
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Replay turns a saved analysis into the second opinion of req, or says
// why it is not one: an analysis of another path answers nothing.
func (s SavedAnalysis) Replay(req AnalyzerRequest) checks.AnalyzerResult {
	res := checks.AnalyzerResult{Explanations: []checks.AnalyzerExplanation{}, Differences: []checks.AnalyzerDifference{}, CleanedUp: true}
	p := s.Path
	saved := AnalyzerRequest{
		Source: sdkaws.ToString(p.Source), SourceIP: sdkaws.ToString(p.SourceIp),
		Destination: sdkaws.ToString(p.Destination), DestinationIP: sdkaws.ToString(p.DestinationIp),
		Protocol: string(p.Protocol), Port: int(sdkaws.ToInt32(p.DestinationPort)),
	}
	if saved != req {
		res.Status = checks.AnalyzerError
		res.Message = fmt.Sprintf("the snapshot's analysis is of another path (%s)", describeRequest(saved))
		return res
	}
	fillFinished(&res, s.Analysis)
	if res.Status == checks.AnalyzerSucceeded || res.Status == checks.AnalyzerFailed {
		note := "replayed from the snapshot"
		if s.Started != "" {
			note += ", analysed " + s.Started
		}
		if res.Message != "" {
			note = res.Message + "; " + note
		}
		res.Message = note
	}
	return res
}

func describeRequest(r AnalyzerRequest) string {
	src, dst := r.Source, r.Destination
	if r.SourceIP != "" {
		src += " " + r.SourceIP
	}
	if dst == "" {
		dst = r.DestinationIP
	} else if r.DestinationIP != "" {
		dst += " " + r.DestinationIP
	}
	return fmt.Sprintf("%s to %s port %d/%s", src, dst, r.Port, r.Protocol)
}
