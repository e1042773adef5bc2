// History helpers shared by every layer.
#include <sfrewind/history.hpp>

namespace sfrewind {

bool is_history_event(std::string_view field) {
  if (field.empty()) return false;
  if (field.find("__") != std::string_view::npos) return false;
  return field[0] >= 'a' && field[0] <= 'z';
}

}  // namespace sfrewind
