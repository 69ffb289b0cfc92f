// Answer in Python: JSON (CLI-identical), bulk numpy columns, items, wire form, merge.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "answer.h"
#include "bindings.h"
#include "errors.h"

namespace georune::py {
namespace {

namespace pb = pybind11;
using search::ImageResult;

const std::vector<ImageResult>& Results(const Answer& a) { return a.answer.response.results; }

// Explains rows [first, last) (all by default) before their witness or atoms are read.
void EnsureExplained(Answer& a, size_t first = 0, size_t last = SIZE_MAX) {
  pb::gil_scoped_release release;
  a.ExplainRows(first, last);
}

// Variables in order of first appearance over the results' witnesses.
std::vector<std::string> Variables(Answer& a) {
  EnsureExplained(a);
  std::vector<std::string> vars;
  for (const auto& r : Results(a))
    for (const auto& [v, id] : r.witness)
      if (std::find(vars.begin(), vars.end(), v) == vars.end()) vars.push_back(v);
  return vars;
}

// results × variables entity indices; -1 where a result binds no entity to the variable.
pb::array_t<int32_t> WitnessMatrix(const Answer& a, const std::vector<std::string>& vars) {
  pb::array_t<int32_t> m({Results(a).size(), vars.size()});
  auto w = m.mutable_unchecked<2>();
  for (size_t i = 0; i < Results(a).size(); ++i) {
    for (size_t k = 0; k < vars.size(); ++k) w(i, k) = -1;
    for (const auto& [v, id] : Results(a)[i].witness) w(i, std::find(vars.begin(), vars.end(), v) - vars.begin()) = id;
  }
  return m;
}

template <typename T, typename F>
pb::array_t<T> Column(const Answer& a, F get) {
  pb::array_t<T> out(Results(a).size());
  auto o = out.template mutable_unchecked<1>();
  for (size_t i = 0; i < Results(a).size(); ++i) o(i) = get(i);
  return out;
}

pb::tuple Item(Answer& a, size_t i) {
  const ImageResult& r = Results(a).at(i);
  EnsureExplained(a, i, i + 1);
  pb::dict witness;
  for (const auto& [v, id] : r.witness) witness[pb::str(v)] = id;
  pb::list atoms;
  for (const auto& at : r.atoms) atoms.append(pb::make_tuple(at.atom, at.value));
  return pb::make_tuple(r.image_id, r.image, r.score, witness, atoms, a.shard.at(i));
}

pb::dict Meta(const Answer& a) {
  const auto& q = a.answer;
  pb::dict d;
  d["query"] = q.text;
  d["logic"] = q.logic;
  d["semantics"] = q.semantics;
  d["mode"] = q.crisp ? "crisp" : "soft";
  d["plan"] = q.explain ? pb::object(pb::str(q.response.plan)) : pb::object(pb::none());
  const auto& s = q.response.stats;
  d["stats"] = pb::dict(pb::arg("images") = s.images, pb::arg("candidates") = s.candidates,
                        pb::arg("evaluated") = s.evaluated, pb::arg("ms") = s.ms);
  if (q.translation) {
    d["translation"] =
        pb::dict(pb::arg("translator") = q.translation->translator, pb::arg("agreement") = q.translation->agreement,
                 pb::arg("samples") = q.translation->samples);
  } else {
    d["translation"] = pb::none();
  }
  return d;
}

}  // namespace

void BindAnswer(pb::module_& m) {
  pb::class_<Answer>(m, "Answer", "one query's answer (see georune.Results, which wraps it)")
      .def("__len__", [](const Answer& a) { return Results(a).size(); })
      .def(
          "to_json",
          [](Answer& a) {
            EnsureExplained(a);
            return a.ToJson();
          },
          "the CLI's `query --format json` text, byte for byte")
      .def("to_wire",
           [](Answer& a) {
             EnsureExplained(a);
             return a.ToWire();
           })
      .def_static("from_wire", &Answer::FromWire)
      .def("item", &Item, "(image id, image number, score, witness, atoms, shard) of result i")
      .def("meta", &Meta)
      .def("variables", &Variables)
      .def("witness_matrix", [](Answer& a) { return WitnessMatrix(a, Variables(a)); })
      .def("scores", [](const Answer& a) { return Column<double>(a, [&](size_t i) { return Results(a)[i].score; }); })
      .def("indices",
           [](const Answer& a) { return Column<uint32_t>(a, [&](size_t i) { return Results(a)[i].image; }); })
      .def("shards", [](const Answer& a) { return Column<int32_t>(a, [&](size_t i) { return a.shard[i]; }); })
      .def("image_ids",
           [](const Answer& a) {
             std::vector<std::string> ids;
             for (const auto& r : Results(a)) ids.push_back(r.image_id);
             return ids;
           })
      .def("set_shard", [](Answer& a, int shard) { std::fill(a.shard.begin(), a.shard.end(), shard); })
      .def(
          "set_query",
          [](Answer& a, const std::string& text, const pb::object& translation) {
            a.answer.text = text;
            if (translation.is_none()) return;
            pb::dict t = translation.cast<pb::dict>();
            a.answer.translation = service::TranslationInfo{t["translator"].cast<std::string>(),
                                                            t["agreement"].cast<double>(), t["samples"].cast<int>()};
          },
          "replace the query text (and translation info) shown: the distributed front end translates once")
      .def("set_ms", [](Answer& a, double ms) { a.answer.response.stats.ms = ms; })
      .def("drop_first", &Answer::DropFirst)
      .def(pb::pickle(
          [](Answer& a) {
            EnsureExplained(a);
            return a.ToWire();
          },
          [](const std::string& wire) { return Answer::FromWire(wire); }));
  m.def(
      "merge",
      [](const std::vector<Answer*>& parts, size_t keep) {
        pb::gil_scoped_release release;
        return Merge(parts, keep);
      },
      pb::arg("answers"), pb::arg("keep"),
      "exact merge of shard answers: score desc, then image id asc; the first `keep` (0 = all)");
}

}  // namespace georune::py
