// The options a user can change, named as concepts. A library diagnostic whose hint asks the
// user to change one names it here (Diagnostic::settings), not by an edge's spelling of it: the
// CLI renders each as its flag (tools/georune/main.cpp); elsewhere the hint's words stand alone.
#pragma once

namespace georune {

enum class Setting {
  // Where things are.
  kArchive,        // the archive folder to read or write
  kKnowledgeBase,  // the knowledge-base folder
  kOutput,         // the folder or file a command writes
  kOntology,       // the ontology file (class names and hierarchy)
  kWebDir,         // the folder of the server's web page
  kPort,           // the server's TCP port
  kWait,           // how long to wait for another writer's lock
  kShards,         // the number of shards of a shard set
  // Search and evaluation.
  kQueryBudget,            // the time budget of one query
  kImageBudget,            // the evaluation budget of one image
  kThreads,                // the worker threads of a search
  kCrisp,                  // crisp (exact) arrangement operators
  kDisabledOptimisations,  // optimisations switched off
  kDefaultGsd,             // the ground sampling distance assumed where an image has none
  kListLimit,              // how many items a structured answer lists
  // Ingest.
  kMakeValid,  // repair invalid polygons with GEOS MakeValid
  kImageSize,  // the pixel size of images whose labels are normalised
  kYoloNames,  // the class-name file of a YOLO label set
  kCrs,        // the coordinate reference system of an image's map coordinates
  kClasses,    // the class set (ontology) a simulation or scene uses
  kNoise,      // the noise level of simulated detections
  // Detection.
  kClassMap,        // the map from a model's classes to the ontology's
  kDropUnmapped,    // drop model classes the ontology does not know
  kClassNames,      // the model's class-name file
  kModelLayout,     // the layout of the model's output tensor
  kModelInputSize,  // the model's input size
  kModelTask,       // box detection or segmentation
  kConfidence,      // the detection confidence threshold
  kIou,             // the IoU threshold of non-maximum suppression
  kTiling,          // the tile size and overlap
  kMaxDetections,   // the most detections per image
  kMinArea,         // the smallest detection area
  kBands,           // the image bands read as the model's input
  kSkipBadImages,   // go on past images that cannot be read
  // The LLM client.
  kLlmUrl,          // the OpenAI-compatible endpoint
  kLlmTimeout,      // the time limit of one LLM request
  kLlmSamples,      // how many samples a translation draws
  kLlmTemperature,  // the sampling temperature
};

}  // namespace georune
