// The invitation form: once a role is chosen, only the organisations that fit it can be chosen. Each option names
// the roles that fit it (data-roles); the form checks the choice again when it is sent.
(function () {
  "use strict";

  var role = document.getElementById("id_role");
  var organisation = document.getElementById("id_organisation");
  if (!role || !organisation) {
    return;
  }

  function offerFitting() {
    var chosen = role.value;
    Array.prototype.forEach.call(organisation.options, function (option) {
      if (!option.value) {
        return;
      }
      var roles = (option.getAttribute("data-roles") || "").split(" ");
      var fits = !chosen || roles.indexOf(chosen) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) {
        organisation.value = "";
      }
    });
  }

  role.addEventListener("change", offerFitting);
  offerFitting();
})();
