// Ingest readers and writers: detection files in, ImageRecords out (and back).
//
// Formats: docs/formats.md (normative source: shared/spec/formats.md).
//  - DOTA labelTxt folder: one <image_id>.txt per image, optional `imagesource:` / `gsd:` headers.
//  - DOTA Task1 folder: one Task1_<class>.txt per class, lines `<image_id> <score> x1 y1 … x4 y4`.
//  - JSON Lines: one image per line (`image`, `width`, `height`, `gsd`, `path`, `entities`).
//  - YOLO-OBB folder: one <image_id>.txt per image, lines `cls x1 y1 … x4 y4` normalised to [0,1]
//    and multiplied by ReadOptions::image_width/height; class names from a names file.
//  - Pascal-VOC / DIOR-R / HRRSD / HRSC XML folder: one <image_id>.xml per image.
//
// Every reader returns the images sorted by file name (Task1 and JSON Lines: in order of first
// appearance), and the entities of an image in source order (their id within the image).
// Bounded input: files of many images (JSON Lines, Task1) are streamed, and a line longer than
// max_record_bytes is an error at its line; a file of one image (labelTxt, YOLO, XML, a names
// file) is one record, read whole, and one larger than max_record_bytes is an error. Memory
// holds one read block and the longest line beside the records. Only regular files are read: a FIFO, a device
// (/dev/zero) or a socket is refused. A folder with no file of the format is an error that says what was expected. On
// success: the records. On a malformed line: kInvalidInput with "FILE:LINE: message\n  hint: ..." (FileDiagnostic),
// unless ReadOptions::skip_bad_lines, in which case the line is skipped and counted in
// ReadReport::skipped_lines. A missing folder or file: kNotFound. An OS read failure: kIoError.
// Unknown class, bad gsd, score outside (0,1], non-finite coordinates: malformed line.
// Readers never throw, never crash on garbage input, and parse files in parallel with
// ReadOptions::threads workers (0 = all cores). They are safe to call from several threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/progress.h"
#include "georune/common/status.h"
#include "georune/ontology/ontology.h"

namespace georune::ingest {

struct ReadOptions {
  bool skip_bad_lines = false;            // skip (and count) malformed lines instead of failing
  int threads = 0;                        // parser threads; 0 = all cores
  ProgressBar* progress = nullptr;        // advanced by one per file read (not owned); may be null
  int image_width = 0, image_height = 0;  // YOLO-OBB: pixels per normalised unit; required
  std::string yolo_names;                 // YOLO-OBB: class-names file (.yaml with `names:` or one name a line);
                                          // empty = look for *.yaml / classes.txt beside or above the folder
  // The longest record: a line of a JSON Lines or Task1 file, a whole file of one image.
  uint64_t max_record_bytes = 64ull << 20;
  bool make_valid = false;  // polygons: repair an invalid one (GEOS MakeValid) instead of refusing it
};

struct ReadReport {
  uint64_t files = 0;              // files read
  uint64_t skipped_lines = 0;      // malformed lines skipped (skip_bad_lines only)
  std::vector<std::string> notes;  // things the user should know (e.g. where class names came from)
};

// DOTA labelTxt. `dir` is the labelTxt folder itself, or a folder holding `labelTxt/`.
// Only *.txt files are read. Images get width/height 0 and gsd NaN unless the header gives it.
Result<std::vector<ImageRecord>> ReadDotaLabelDir(const std::string& dir, const Ontology& ontology,
                                                  const ReadOptions& options = {}, ReadReport* report = nullptr);
// DOTA Task1 detector results: every Task1_<class>.txt in `dir`. Entities of an image are
// ordered by class file name, then line order. Images are sorted by id.
Result<std::vector<ImageRecord>> ReadDotaTask1Dir(const std::string& dir, const Ontology& ontology,
                                                  const ReadOptions& options = {}, ReadReport* report = nullptr);
// JSON Lines file. Blank lines are ignored. Images in file order.
Result<std::vector<ImageRecord>> ReadJsonLines(const std::string& file, const Ontology& ontology,
                                               const ReadOptions& options = {}, ReadReport* report = nullptr);
// YOLO-OBB label folder (the `labels/` folder, or a folder holding it; sub-folders such as
// train/ and val/ are read too, images sorted by relative path). Requires image_width/height.
Result<std::vector<ImageRecord>> ReadYoloObbDir(const std::string& dir, const Ontology& ontology,
                                                const ReadOptions& options = {}, ReadReport* report = nullptr);
// Class names from a dataset .yaml (`names:` as a mapping, block list or inline list) or a plain
// file with one name a line (comments `#`); errors name the file and line.
Result<std::vector<std::string>> ReadClassNames(const std::string& path);
// Pascal-VOC style XML folder (*.xml, or a folder holding `Annotations/`): `bndbox`
// (horizontal) and `robndbox` (DIOR-R oriented corners, or cx/cy/w/h/angle) objects, and
// HRSC2016 `HRSC_Object`s (class `ship`, rotated box mbox_*). Image id = file stem.
Result<std::vector<ImageRecord>> ReadVocDir(const std::string& dir, const Ontology& ontology,
                                            const ReadOptions& options = {}, ReadReport* report = nullptr);

// GeoJSON FeatureCollection(s) of polygon entities in pixel coordinates: `path` is a file or a
// folder of *.geojson files. Per feature: "class", "confidence" (default 1), "image" (default:
// the collection's "image", else the file's stem), "difficult"; geometry Polygon or
// MultiPolygon (holes allowed). The collection's "width", "height", "gsd", "path" apply to its
// images. Invalid polygons are refused at FILE:LINE (the feature's line) unless make_valid.
// Entities carry their polygon (EntityRecord::polygon) and its minimum rotated rectangle.
Result<std::vector<ImageRecord>> ReadGeoJson(const std::string& path, const Ontology& ontology,
                                             const ReadOptions& options = {}, ReadReport* report = nullptr);

// The readers above, by kind, and where an image of a source comes from, for messages about
// duplicate ids: "FILE:LINE" (JSON Lines, Task1) or "FILE" (formats with one file per image)
// of its (occurrence+1)-th appearance in the source; "" when not found. Reads the source again:
// for error paths only.
enum class SourceKind { kDotaLabels, kDotaTask1, kJsonLines, kYoloObb, kVoc, kGeoJson };
std::string LocateImage(SourceKind kind, const std::string& path, const std::string& id, int occurrence = 0);

// Writers (for the scene generator, the detector simulator and round-trip tests). They create
// `dir` (and parents) if needed and overwrite files of the same name; numbers are written in
// the shortest form that reads back to the same double. Class labels: the class's first
// source label, else its canonical name. kIoError on an OS failure; kInvalidInput for an
// entity whose class id is not in the ontology.
//
// One <id>.txt per image: `imagesource:georune` and `gsd:<v>` headers when gsd is known, then
// `x1 y1 … x4 y4 <label> <difficult>` per entity. (Scores are not written.)
Status WriteDotaLabelDir(const std::string& dir, const std::vector<ImageRecord>& images, const Ontology& ontology);
// One Task1_<label>.txt per class present in `images`; image width/height/gsd/path are lost.
Status WriteDotaTask1Dir(const std::string& dir, const std::vector<ImageRecord>& images, const Ontology& ontology);
// One JSON object per image, every field present except unknown ones (gsd NaN, size 0, empty
// path). Entities carry "class" (canonical name), "score", "obb" and "difficult" when set.
Status WriteJsonLines(const std::string& file, const std::vector<ImageRecord>& images, const Ontology& ontology);

}  // namespace georune::ingest
