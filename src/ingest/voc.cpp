// Pascal-VOC style XML (VOC / HRRSD / NWPU horizontal `bndbox`, DIOR-R and roLabelImg oriented
// `robndbox`) and HRSC2016 (`HRSC_Object` with a rotated box). Parsed with expat.
#include <expat.h>

#include <filesystem>
#include <memory>

#include "georune/ingest/readers.h"
#include "ingest/driver.h"

namespace georune::ingest {
namespace fs = std::filesystem;
using namespace internal;

namespace {

struct Node {
  std::string name;
  std::string text;
  int line = 0;
  std::vector<std::unique_ptr<Node>> children;
  Node* parent = nullptr;

  const Node* Child(std::string_view n) const {
    for (const auto& c : children)
      if (c->name == n) return c.get();
    return nullptr;
  }
};

struct ParseState {
  std::unique_ptr<Node> root;
  Node* current = nullptr;
  XML_Parser parser = nullptr;
  int depth = 0;
  bool too_deep = false;
};

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char**) {
  auto* st = static_cast<ParseState*>(data);
  if (++st->depth > 64) {
    st->too_deep = true;
    XML_StopParser(st->parser, XML_FALSE);
    return;
  }
  auto node = std::make_unique<Node>();
  node->name = name;
  node->line = static_cast<int>(XML_GetCurrentLineNumber(st->parser));
  Node* raw = node.get();
  if (!st->current) {
    st->root = std::move(node);
  } else {
    raw->parent = st->current;
    st->current->children.push_back(std::move(node));
  }
  st->current = raw;
}
void XMLCALL OnEnd(void* data, const XML_Char*) {
  auto* st = static_cast<ParseState*>(data);
  --st->depth;
  if (st->current) st->current = st->current->parent;
}
void XMLCALL OnText(void* data, const XML_Char* s, int len) {
  auto* st = static_cast<ParseState*>(data);
  if (st->current && st->current->text.size() < 4096) st->current->text.append(s, static_cast<size_t>(len));
}

constexpr const char* kVocHint =
    "an object needs <name> and either <bndbox> (xmin, ymin, xmax, ymax), <robndbox> "
    "(x_left_top … y_left_bottom, or cx, cy, w, h, angle) or HRSC mbox_cx … mbox_ang";

Status ParseXml(FileContext& ctx, std::string_view text, ImageRecord& image) {
  image.id = FileStem(ctx.path);
  ParseState st;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> parser(XML_ParserCreate(nullptr),
                                                                                  XML_ParserFree);
  if (!parser) return Status::Internal("cannot create an XML parser");
  st.parser = parser.get();
  XML_SetUserData(parser.get(), &st);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  if (text.size() > INT32_MAX) return FileDiagnostic(ctx.path, 0, "file is too large").ToStatus();
  if (XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE) != XML_STATUS_OK || st.too_deep ||
      !st.root) {
    int line = static_cast<int>(XML_GetCurrentLineNumber(parser.get()));
    std::string what = st.too_deep ? "elements nested too deep"
                       : !st.root  ? "no XML element"
                                   : XML_ErrorString(XML_GetErrorCode(parser.get()));
    return FileDiagnostic(ctx.path, line, "invalid XML: " + what, "the file must be well-formed XML").ToStatus();
  }
  const Node& root = *st.root;
  auto number = [&](const Node* parent, const char* name, double& out) -> std::optional<std::string> {
    const Node* n = parent ? parent->Child(name) : nullptr;
    if (!n) return std::string("missing <") + name + ">";
    std::optional<double> v = ParseDouble(TrimBlanks(n->text));
    if (!v) return std::string("<") + name + "> is not a number: " + Quote(TrimBlanks(n->text));
    if (!std::isfinite(*v)) return std::string("<") + name + "> is not finite: " + Quote(TrimBlanks(n->text));
    out = *v;
    return std::nullopt;
  };
  auto rotated = [](double cx, double cy, double w, double h, double a, Corners& c) {
    const double ca = std::cos(a), sa = std::sin(a);
    const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int k = 0; k < 4; ++k) {
      c[2 * k] = cx + dx[k] * ca - dy[k] * sa;
      c[2 * k + 1] = cy + dx[k] * sa + dy[k] * ca;
    }
  };
  // Present fields must be right: a bad value is an error, never silently dropped.
  auto bad = [&](const Node* n, const std::string& message, const std::string& hint) {
    return FileDiagnostic(ctx.path, n->line, message + ": " + Quote(TrimBlanks(n->text)), hint);
  };
  auto set_size = [&](const Node* wn, const Node* hn) -> Status {
    for (auto [n, out] : {std::pair<const Node*, int32_t*>{wn, &image.width}, {hn, &image.height}}) {
      if (!n || TrimBlanks(n->text).empty()) continue;
      auto v = ParseInt(TrimBlanks(n->text));
      if (!v || *v < 0 || *v > INT32_MAX)
        return bad(n, "<" + n->name + "> is not a whole number of pixels",
                   "write e.g. <width>1024</width> (0 = unknown)")
            .ToStatus();
      *out = static_cast<int32_t>(*v);
    }
    return Status::Ok();
  };
  auto difficult = [&](const Node& obj, bool& out) -> std::optional<Diagnostic> {
    const Node* d = obj.Child("difficult");
    out = d && TrimBlanks(d->text) == "1";
    if (d && !TrimBlanks(d->text).empty() && TrimBlanks(d->text) != "0" && TrimBlanks(d->text) != "1")
      return bad(d, "<difficult> must be 0 or 1", "write <difficult>1</difficult> for a difficult object");
    return std::nullopt;
  };

  if (root.name == "HRSC_Image") {
    GEORUNE_RETURN_IF_ERROR(set_size(root.Child("Img_SizeWidth"), root.Child("Img_SizeHeight")));
    if (const Node* r = root.Child("Img_Resolution"); r && !TrimBlanks(r->text).empty()) {
      auto g = ParseDouble(TrimBlanks(r->text));
      if (!g || !std::isfinite(*g) || *g <= 0)
        return bad(r, "<Img_Resolution> is not a positive number (metres per pixel)",
                   "leave it empty when the resolution is unknown")
            .ToStatus();
      image.gsd = *g;
    }
    if (const Node* f = root.Child("Img_FileName")) {
      std::string name(TrimBlanks(f->text));
      const Node* fmt = root.Child("Img_FileFmt");
      if (!name.empty())
        image.path = name + (fmt && !TrimBlanks(fmt->text).empty() ? "." + std::string(TrimBlanks(fmt->text)) : "");
    }
    const Node* objects = root.Child("HRSC_Objects");
    if (!objects) return Status::Ok();
    std::optional<int> ship = ctx.classes.Find("ship");
    for (const auto& obj : objects->children) {
      if (obj->name != "HRSC_Object") continue;
      if (!ship) {
        GEORUNE_RETURN_IF_ERROR(ctx.Bad(ctx.classes.Unknown(ctx.path, obj->line, "ship")));
        continue;
      }
      double v[5];
      const char* names[5] = {"mbox_cx", "mbox_cy", "mbox_w", "mbox_h", "mbox_ang"};
      std::optional<std::string> err;
      for (int k = 0; k < 5 && !err; ++k) err = number(obj.get(), names[k], v[k]);
      if (err) {
        GEORUNE_RETURN_IF_ERROR(ctx.Bad(obj->line, *err, kVocHint));
        continue;
      }
      EntityRecord e;
      e.class_id = *ship;
      if (auto d = difficult(*obj, e.difficult)) {
        GEORUNE_RETURN_IF_ERROR(ctx.Bad(*d));
        continue;
      }
      rotated(v[0], v[1], v[2], v[3], v[4], e.corners);
      image.entities.push_back(e);
    }
    return Status::Ok();
  }
  if (root.name != "annotation")
    return FileDiagnostic(ctx.path, root.line, "unexpected root element <" + root.name + ">",
                          "expected a Pascal-VOC <annotation> or an HRSC <HRSC_Image>")
        .ToStatus();
  if (const Node* size = root.Child("size"))
    GEORUNE_RETURN_IF_ERROR(set_size(size->Child("width"), size->Child("height")));
  if (const Node* f = root.Child("filename")) image.path = std::string(TrimBlanks(f->text));
  for (const auto& obj : root.children) {
    if (obj->name != "object") continue;
    const Node* name = obj->Child("name");
    if (!name || TrimBlanks(name->text).empty()) {
      GEORUNE_RETURN_IF_ERROR(ctx.Bad(obj->line, "object without a <name>", kVocHint));
      continue;
    }
    std::string label(TrimBlanks(name->text));
    std::optional<int> cls = ctx.classes.Find(label);
    if (!cls) {
      GEORUNE_RETURN_IF_ERROR(ctx.Bad(ctx.classes.Unknown(ctx.path, name->line, label)));
      continue;
    }
    EntityRecord e;
    e.class_id = *cls;
    if (auto d = difficult(*obj, e.difficult)) {
      GEORUNE_RETURN_IF_ERROR(ctx.Bad(*d));
      continue;
    }
    std::optional<std::string> err;
    int line = obj->line;
    if (const Node* rb = obj->Child("robndbox")) {
      line = rb->line;
      if (rb->Child("x_left_top")) {
        const char* names[8] = {"x_left_top",     "y_left_top",     "x_right_top",   "y_right_top",
                                "x_right_bottom", "y_right_bottom", "x_left_bottom", "y_left_bottom"};
        for (int k = 0; k < 8 && !err; ++k) err = number(rb, names[k], e.corners[k]);
      } else {
        double v[5];
        const char* names[5] = {"cx", "cy", "w", "h", "angle"};
        for (int k = 0; k < 5 && !err; ++k) err = number(rb, names[k], v[k]);
        if (!err) rotated(v[0], v[1], v[2], v[3], v[4], e.corners);
      }
    } else if (const Node* bb = obj->Child("bndbox")) {
      line = bb->line;
      double v[4];
      const char* names[4] = {"xmin", "ymin", "xmax", "ymax"};
      for (int k = 0; k < 4 && !err; ++k) err = number(bb, names[k], v[k]);
      if (!err) e.corners = {v[0], v[1], v[2], v[1], v[2], v[3], v[0], v[3]};
    } else {
      err = "object without <bndbox> or <robndbox>";
    }
    if (err) {
      GEORUNE_RETURN_IF_ERROR(ctx.Bad(line, *err, kVocHint));
      continue;
    }
    image.entities.push_back(e);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<ImageRecord>> ReadVocDir(const std::string& dir, const Ontology& ontology,
                                            const ReadOptions& options, ReadReport* report) {
  std::string folder = dir;
  std::error_code ec;
  if (fs::is_directory(fs::path(dir) / "Annotations", ec)) folder = (fs::path(dir) / "Annotations").string();
  GEORUNE_ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(folder, ".xml", false));
  GEORUNE_RETURN_IF_ERROR(
      RequireFiles(files, folder, "XML annotation files (*.xml)",
                   "give the Annotations folder (one <image_id>.xml per image), or the folder holding it"));
  return ParseFiles<ImageRecord>(files, ontology, options, report, ParseXml);
}

}  // namespace georune::ingest
