#include "georune/detect/tile_input.h"

#include <algorithm>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "georune/common/parallel.h"

namespace georune::detect {

Status ForEachTileInput(std::unique_ptr<Raster> raster, const std::vector<TileRect>& rects, int threads,
                        const InputSpec& spec, const std::function<Status(size_t, TileInput&)>& consume,
                        bool& image_error) {
  image_error = false;
  const size_t workers = WorkerCount(rects.size(), threads);
  std::vector<std::unique_ptr<Raster>> rasters(workers);
  rasters[0] = std::move(raster);
  const size_t batch = 2 * workers;
  for (size_t start = 0; start < rects.size(); start += batch) {
    const size_t n = std::min(batch, rects.size() - start);
    std::vector<TileInput> tiles(n);
    std::vector<Status> errors(n);
    ParallelForWorkers(n, workers, [&](size_t worker, size_t i) {
      if (!rasters[worker]) {
        auto r = rasters[0]->Reopen();  // Reopen only reads immutable state of rasters[0]
        if (!r.ok()) return void(errors[i] = r.status());
        rasters[worker] = std::move(*r);
      }
      TileInput& t = tiles[i];
      t.rect = rects[start + i];
      int64_t valid = 0;
      auto img = rasters[worker]->Read(t.rect.x, t.rect.y, t.rect.w, t.rect.h, &valid);
      if (!img.ok()) return void(errors[i] = img.status());
      if (valid == 0) return void(t.skipped = true);
      t.lb = Letterbox::Make(t.rect.w, t.rect.h, spec.in_w, spec.in_h, spec.resize);
      cv::Mat scaled, canvas(spec.in_h, spec.in_w, CV_8UC3, cv::Scalar::all(spec.fill));
      cv::resize(*img, scaled, cv::Size(t.lb.new_w, t.lb.new_h), 0, 0, cv::INTER_LINEAR);
      scaled.copyTo(canvas(cv::Rect(t.lb.pad_x, t.lb.pad_y, t.lb.new_w, t.lb.new_h)));
      t.blob = cv::dnn::blobFromImage(canvas, 1.0 / 255, cv::Size(), cv::Scalar(), spec.bgr, false, CV_32F);
    });
    for (size_t i = 0; i < n; ++i) {
      image_error = true;
      GEORUNE_RETURN_IF_ERROR(errors[i]);
      image_error = false;
      GEORUNE_RETURN_IF_ERROR(consume(start + i, tiles[i]));
    }
  }
  return Status::Ok();
}

}  // namespace georune::detect
