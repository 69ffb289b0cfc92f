// Archive in Python: open (once), info, query (service::AnswerQuery, the CLI's core), entities as
// zero-copy read-only numpy views of the archive's map.
#include <chrono>
#include <mutex>
#include <unordered_map>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "answer.h"
#include "bindings.h"
#include "errors.h"
#include "georune/archive/archive.h"

namespace georune::py {
namespace {

namespace pb = pybind11;

class PyArchive {
 public:
  explicit PyArchive(const std::string& path) : path_(path) {
    pb::gil_scoped_release release;
    archive_ = ValueOrThrow(Archive::Open(path));
  }
  const Archive& get() const { return *archive_; }
  const std::shared_ptr<const Archive>& shared() const { return archive_; }
  const std::string& path() const { return path_; }

  // The image number of an id (a dict built on first use), or of a number given.
  uint32_t ImageNumber(const pb::object& image) const {
    if (pb::isinstance<pb::int_>(image)) {
      long long i = image.cast<long long>();
      if (i < 0 || i >= archive_->ImageCount())
        throw EngineError(Status::InvalidInput("image number " + std::to_string(i) + " is not in 0.." +
                                               std::to_string(archive_->ImageCount()) + "-1"));
      return static_cast<uint32_t>(i);
    }
    std::string id = image.cast<std::string>();
    std::call_once(ids_built_, [&] {
      ids_.reserve(archive_->ImageCount());
      for (uint32_t i = 0; i < archive_->ImageCount(); ++i) ids_.emplace(archive_->ImageId(i), i);
    });
    auto it = ids_.find(id);
    if (it == ids_.end()) throw EngineError(Status::InvalidInput("image '" + id + "' is not in " + path_));
    return it->second;
  }

 private:
  std::string path_;
  std::shared_ptr<const Archive> archive_;
  mutable std::once_flag ids_built_;
  mutable std::unordered_map<std::string_view, uint32_t> ids_;
};

pb::dict Info(const PyArchive& a) {
  ArchiveStats st;
  {
    pb::gil_scoped_release release;
    st = a.get().Stats();
  }
  const Ontology& o = a.get().ontology();
  pb::list classes;
  for (int c = 0; c < o.ClassCount(); ++c)
    classes.append(pb::dict(pb::arg("class") = o.Class(c).name, pb::arg("entities") = st.entities_per_class[c],
                            pb::arg("images") = st.images_per_class[c]));
  return pb::dict(pb::arg("archive") = a.path(), pb::arg("format_version") = st.format_version,
                  pb::arg("segments") = st.segments, pb::arg("ontology") = o.name(), pb::arg("images") = st.images,
                  pb::arg("entities") = st.entities, pb::arg("bytes_on_disk") = st.bytes_on_disk,
                  pb::arg("classes") = classes);
}

// A read-only numpy view of `count` × `shape` values at `data`, keeping the archive open.
template <typename T>
pb::array View(const PyArchive& a, const T* data, std::vector<pb::ssize_t> shape) {
  auto* keep = new std::shared_ptr<const Archive>(a.shared());
  pb::capsule owner(keep, [](void* p) { delete static_cast<std::shared_ptr<const Archive>*>(p); });
  pb::array arr(pb::dtype::of<T>(), shape, data, owner);
  pb::detail::array_proxy(arr.ptr())->flags &= ~pb::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return arr;
}

pb::dict Entities(const PyArchive& a, const pb::object& image) {
  uint32_t i = a.ImageNumber(image);
  {
    pb::gil_scoped_release release;
    ThrowIfError(a.get().CheckImage(i));
  }
  const EntitySpan s = a.get().Entities(i);
  const pb::ssize_t n = s.count;
  pb::list names;
  pb::list polygons;  // a polygon entity's WKB (shapely.wkb.loads reads it), None for a box
  for (uint32_t e = 0; e < s.count; ++e) {
    names.append(a.get().ontology().Class(s.class_id[e]).name);
    const std::span<const uint8_t> wkb = s.PolygonWkb(e);
    if (wkb.empty()) polygons.append(pb::none());
    else polygons.append(pb::bytes(reinterpret_cast<const char*>(wkb.data()), wkb.size()));
  }
  return pb::dict(pb::arg("image") = std::string(a.get().ImageId(i)), pb::arg("index") = i,
                  pb::arg("classes") = View(a, s.class_id, {n}), pb::arg("class_names") = names,
                  pb::arg("confidences") = View(a, s.score, {n}), pb::arg("difficult") = View(a, s.difficult, {n}),
                  pb::arg("corners") = View(a, s.corners, {n, 4, 2}), pb::arg("polygons") = polygons);
}

service::QueryRequest Request(const pb::kwargs& kw) {
  service::QueryRequest r;
  auto get = [&](const char* key, auto& out) {
    if (kw.contains(key) && !kw[key].is_none()) out = kw[key].cast<std::decay_t<decltype(out)>>();
  };
  get("logic", r.logic);
  get("english", r.english);
  get("semantics", r.semantics);
  get("crisp", r.crisp);
  get("top", r.top);
  get("offset", r.offset);
  get("all", r.all);
  get("explain", r.explain);
  get("reference", r.reference);
  get("default_gsd", r.default_gsd);
  get("min_conf", r.min_conf);
  get("disabled", r.disabled);
  get("threads", r.threads);
  get("image_budget", r.image_budget);
  get("query_budget", r.query_budget_seconds);
  if (r.top < 1) throw EngineError(Status::InvalidInput("top must be at least 1 (hint: all=True lists every image)"));
  return r;
}

Answer Query(const PyArchive& a, const pb::kwargs& kw) {
  service::QueryRequest request = Request(kw);
  const pb::object spec = kw.contains("translator") ? pb::object(kw["translator"]) : pb::object(pb::none());
  nl::Translator* translator = request.english.empty() ? nullptr : TranslatorFor(spec);
  // Rows are explained when read (Answer::ExplainRows), so that stats.ms is the search alone;
  // with explain, during the search, as the CLI's --format json: its plan reports that work.
  request.explain_rows = request.explain;
  pb::gil_scoped_release release;
  service::QueryAnswer answer = ValueOrThrow(service::AnswerQuery(a.get(), request, translator));
  if (request.explain_rows) return Answer::Explained(std::move(answer));
  return Answer::Unexplained(std::move(answer), a.shared());
}

}  // namespace

void BindArchive(pb::module_& m) {
  pb::class_<PyArchive>(m, "Archive", "an opened archive (read-only, memory-mapped, safe from many threads)")
      .def(pb::init<const std::string&>(), pb::arg("path"))
      .def_property_readonly("path", &PyArchive::path)
      .def("__len__", [](const PyArchive& a) { return a.get().ImageCount(); })
      .def("info", &Info)
      .def("image_id",
           [](const PyArchive& a, uint32_t i) { return std::string(a.get().ImageId(a.ImageNumber(pb::int_(i)))); })
      .def("image_number", [](const PyArchive& a, const std::string& id) { return a.ImageNumber(pb::str(id)); })
      .def("ontology_name", [](const PyArchive& a) { return a.get().ontology().name(); })
      .def("entities", &Entities, pb::arg("image"))
      .def(
          "georeference",
          [](const PyArchive& a, const pb::object& image) -> pb::object {
            const Georeference g = a.get().GeoreferenceOf(a.ImageNumber(image));
            if (!g.has_geotransform || g.crs_wkt.empty()) return pb::none();
            const auto& t = g.geotransform;
            return pb::make_tuple(pb::make_tuple(t[0], t[1], t[2], t[3], t[4], t[5]), std::string(g.crs_wkt));
          },
          pb::arg("image"), "(geotransform, CRS WKT) stored with the image, or None")
      .def("query", &Query, "keyword arguments as service::QueryRequest (see georune.Archive.query)");
}

}  // namespace georune::py
