//! Retirees taken back on (`rehired_retiree`): a local employer hires a few
//! of the community's residents past retirement age during the review year,
//! jobs that last. They are employed, but past working age they count in no
//! rate and are not new employment; the spec allows no finding.

use chrono::Duration;

use crate::generate::calendar::age_at;
use crate::generate::histories::Builder;
use crate::generate::persons::retirement_age;
use crate::generate::rng::Rng;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let mut retirees: Vec<usize> = (0..b.members.len())
        .filter(|&i| {
            let m = &b.members[i];
            let age = age_at(m.row.birth, cal.start);
            m.retires < cal.start
                && age < retirement_age(m.row.male) + 8
                && m.row.left_reason != Some("死亡")
        })
        .collect();
    rng.shuffle(&mut retirees);
    let hired = rng.int(3, 6) as usize;
    for i in retirees.into_iter().take(hired) {
        let started = rng.seasonal_date(cal.start, cal.from_cutoff(-30));
        let ended = rng
            .chance(0.3)
            .then(|| started + Duration::days(rng.int(120, 300)))
            .filter(|&e| e <= cal.extract);
        let person = b.members[i].row.id.clone();
        b.add_job(&person, None, "单位就业", started, ended);
    }
}
