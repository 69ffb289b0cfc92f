// The CLI's spelling of the library's settings (georune/common/setting.h): the flag of each.
#include "command.h"

namespace georune::cli {

std::string_view FlagOf(Setting setting) {
  switch (setting) {
    case Setting::kArchive: return "--archive";
    case Setting::kKnowledgeBase: return "--kb";
    case Setting::kOutput: return "--out";
    case Setting::kOntology: return "--ontology";
    case Setting::kWebDir: return "--web";
    case Setting::kPort: return "--port";
    case Setting::kWait: return "--wait";
    case Setting::kShards: return "--shards";
    case Setting::kQueryBudget: return "--query-budget";
    case Setting::kImageBudget: return "--image-budget";
    case Setting::kThreads: return "--threads";
    case Setting::kCrisp: return "--crisp";
    case Setting::kDisabledOptimisations: return "--disable";
    case Setting::kDefaultGsd: return "--default-gsd";
    case Setting::kListLimit: return "--list-limit";
    case Setting::kMakeValid: return "--make-valid";
    case Setting::kImageSize: return "--image-size";
    case Setting::kYoloNames: return "--yolo-names";
    case Setting::kCrs: return "--crs";
    case Setting::kClasses: return "--classes";
    case Setting::kNoise: return "--noise";
    case Setting::kClassMap: return "--class-map";
    case Setting::kDropUnmapped: return "--drop-unmapped";
    case Setting::kClassNames: return "--names";
    case Setting::kModelLayout: return "--layout";
    case Setting::kModelInputSize: return "--input-size";
    case Setting::kModelTask: return "--task";
    case Setting::kConfidence: return "--conf";
    case Setting::kIou: return "--iou";
    case Setting::kTiling: return "--tile, --overlap";
    case Setting::kMaxDetections: return "--max-det";
    case Setting::kMinArea: return "--min-area";
    case Setting::kBands: return "--bands";
    case Setting::kSkipBadImages: return "--skip-bad-images";
    case Setting::kLlmUrl: return "--llm-url";
    case Setting::kLlmTimeout: return "--llm-timeout";
    case Setting::kLlmSamples: return "--llm-samples";
    case Setting::kLlmTemperature: return "--llm-temperature";
  }
  return "?";  // unreachable: -Wswitch (an error under -Werror) names a setting left out above
}

std::string FlagsOf(const std::vector<Setting>& settings) {
  std::string out;
  for (Setting s : settings) {
    if (!out.empty()) out += ", ";
    out += FlagOf(s);
  }
  return out;
}

}  // namespace georune::cli
